import { DeleteCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AlertRule } from '../domain/alert-rules';
import { cachedFor } from '../clients/cached';
import { allItems } from './pages';
import { seriesKey } from '../domain/series-key';

export class AlertRulesStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async put(rule: AlertRule): Promise<void> {
    await this.documents.send(new PutCommand({ TableName: this.table, Item: rule }));
  }

  async list(): Promise<AlertRule[]> {
    const rules = await allItems<AlertRule>((start) =>
      this.documents.send(new ScanCommand({ TableName: this.table, ExclusiveStartKey: start })),
    );
    return rules.sort((a, b) => a.ticker.localeCompare(b.ticker) || a.createdAt - b.createdAt);
  }

  /** Returns whether the rule existed. */
  async delete(id: string): Promise<boolean> {
    const result = await this.documents.send(
      new DeleteCommand({ TableName: this.table, Key: { id }, ReturnValues: 'ALL_OLD' }),
    );
    return result.Attributes !== undefined;
  }
}

/**
 * The rules as a worker sees them: all of them, re-read at most every `ttlMs`, so evaluating a
 * batch costs no read. A rule added or removed takes effect within that time.
 */
export class CachedAlertRules {
  private readonly all: () => Promise<AlertRule[]>;
  constructor(store: AlertRulesStore, ttlMs = 5_000) {
    this.all = cachedFor(ttlMs, () => store.list());
  }

  async forSeries(ticker: string, interval: string): Promise<AlertRule[]> {
    return (await this.all()).filter((r) => r.ticker === ticker && r.interval === interval);
  }

  /** The series with any rule, by `ticker#interval`. */
  async series(): Promise<Set<string>> {
    return new Set((await this.all()).map((r) => seriesKey(r.ticker, r.interval)));
  }
}
