import { ScanCommand, UpdateCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { allItems } from './pages';
import { seriesKey } from './schema';

/** Ingestion progress of one ticker and interval. */
export interface SeriesProgress {
  ticker: string;
  interval: string;
  lastBarTime: number;
  /** When the newest processed record arrived in the stream, and when its bar was stored. */
  lastArrivalAt: number;
  lastStoredAt: number;
  /** The newest bar with a stored prediction. */
  predictedThrough?: number;
}

export class SeriesStore {
  constructor(private readonly documents: DynamoDBDocumentClient, private readonly table: string) {}

  /** Moves progress forward only: a retried or late batch never rewinds it. */
  async advance(progress: SeriesProgress): Promise<void> {
    const predicted = progress.predictedThrough === undefined ? '' : ', predictedThrough = :p';
    await this.update(progress.ticker, progress.interval, `SET ticker = :ticker, #i = :interval, lastBarTime = :t, lastArrivalAt = :a, lastStoredAt = :s${predicted}`, 'attribute_not_exists(lastBarTime) OR lastBarTime <= :t', {
      ':ticker': progress.ticker,
      ':interval': progress.interval,
      ':t': progress.lastBarTime,
      ':a': progress.lastArrivalAt,
      ':s': progress.lastStoredAt,
      ...(progress.predictedThrough === undefined ? {} : { ':p': progress.predictedThrough }),
    });
  }

  /** Moves the prediction watermark forward only. */
  async predicted(ticker: string, interval: string, through: number): Promise<void> {
    await this.update(ticker, interval, 'SET ticker = :ticker, #i = :interval, predictedThrough = :p', 'attribute_not_exists(predictedThrough) OR predictedThrough < :p', {
      ':ticker': ticker,
      ':interval': interval,
      ':p': through,
    });
  }

  private async update(ticker: string, interval: string, expression: string, condition: string, values: Record<string, unknown>): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: seriesKey(ticker, interval) },
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#i': 'interval' },
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async get(ticker: string, interval: string): Promise<SeriesProgress | undefined> {
    const result = await this.documents.send(new GetCommand({ TableName: this.table, Key: { pk: seriesKey(ticker, interval) } }));
    return result.Item as SeriesProgress | undefined;
  }

  /** Series of an interval whose stored bars are not all predicted yet. */
  async lagging(interval: string): Promise<SeriesProgress[]> {
    return allItems<SeriesProgress>((start) =>
      this.documents.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: '#i = :interval AND (attribute_not_exists(predictedThrough) OR predictedThrough < lastBarTime)',
          ExpressionAttributeNames: { '#i': 'interval' },
          ExpressionAttributeValues: { ':interval': interval },
          ExclusiveStartKey: start,
        }),
      ),
    );
  }

  async list(): Promise<SeriesProgress[]> {
    const all = await allItems<SeriesProgress>((start) => this.documents.send(new ScanCommand({ TableName: this.table, ExclusiveStartKey: start })));
    return all.sort((a, b) => a.ticker.localeCompare(b.ticker) || a.interval.localeCompare(b.interval));
  }
}
