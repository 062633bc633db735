import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Alert } from '../domain/alert-rules';
import { allItems } from './pages';

export interface StoredAlert extends Alert {
  firedAt: number;
  publishedAt?: number;
  messageId?: string;
}

/** Alerts keyed by rule and the bar that crossed: each is written once and published once. */
export class AlertsStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Records an alert unless it was already recorded and published. Returns whether it still
   * needs publishing (true also for one recorded by an attempt that died before publishing).
   */
  async recordUnpublished(alert: Alert, firedAt: number): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...alert, firedAt },
          ConditionExpression: 'attribute_not_exists(publishedAt)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async markPublished(alert: Alert, messageId: string): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { ruleId: alert.ruleId, t: alert.t },
        UpdateExpression: 'SET publishedAt = :now, messageId = :id',
        ExpressionAttributeValues: { ':now': Date.now(), ':id': messageId },
      }),
    );
  }

  /** The bar time of the rule's newest alert before `t`, for its cooldown. */
  async lastBefore(ruleId: string, t: number): Promise<number | null> {
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'ruleId = :r AND t < :t',
        ExpressionAttributeValues: { ':r': ruleId, ':t': t },
        ScanIndexForward: false,
        Limit: 1,
        ProjectionExpression: 't',
      }),
    );
    return (result.Items?.[0]?.t as number | undefined) ?? null;
  }

  /** Newest first. */
  async list(filter: { ticker?: string; limit?: number } = {}): Promise<StoredAlert[]> {
    const alerts = await allItems<StoredAlert>((start) =>
      this.documents.send(new ScanCommand({ TableName: this.table, ExclusiveStartKey: start })),
    );
    return alerts
      .filter((a) => !filter.ticker || a.ticker === filter.ticker)
      .sort((a, b) => b.t - a.t || a.ruleId.localeCompare(b.ruleId))
      .slice(0, filter.limit ?? Number.MAX_SAFE_INTEGER);
  }
}
