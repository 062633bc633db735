import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { putAll } from './batch-write';
import { allItems, countAll, pages } from './pages';
import { seriesKey } from '../domain/series-key';
import { CONSISTENT_READ } from './consistent-read';

/** Anything stored per series and bar time: bars, predictions. */
export interface SeriesRow {
  ticker: string;
  interval: string;
  t: number;
}

/** A table keyed (ticker#interval, t): idempotent puts, time-range reads, counts. */
export class SeriesTable<T extends SeriesRow> {
  constructor(
    protected readonly documents: DynamoDBDocumentClient,
    protected readonly table: string,
    /** The partition key of a series' rows (another key keeps another set of rows per series apart). */
    private readonly keyOf: (ticker: string, interval: string) => string = seriesKey,
  ) {}

  /** Idempotent: an item is keyed by its series and time, so a retry overwrites it with the same values. `concurrency` requests in flight. */
  async put(rows: T[], concurrency = 2): Promise<void> {
    await putAll(
      this.documents,
      this.table,
      rows.map((row) => this.itemOf(row)),
      concurrency,
    );
  }

  /** A row's item: the row under its series' key. */
  protected itemOf(row: T): object {
    return { pk: this.keyOf(row.ticker, row.interval), ...row };
  }

  /** A row from its item, or the attributes a query projected (`projected`) as they are. */
  protected rowOf<R>(item: Record<string, unknown>, _ticker: string, _interval: string, _projected: boolean): R {
    const { pk: _pk, ...row } = item;
    return row as R;
  }

  /** Rows in [from, to] in time order. */
  range(ticker: string, interval: string, from = 0, to = Number.MAX_SAFE_INTEGER): Promise<T[]> {
    return this.rangeOf<T>(ticker, interval, from, to);
  }

  /** As range, but only the named attributes of each row (see newestBefore). */
  protected async rangeOf<R>(
    ticker: string,
    interval: string,
    from = 0,
    to = Number.MAX_SAFE_INTEGER,
    attributes?: readonly string[],
  ): Promise<R[]> {
    if (from > to) return []; // an empty range (DynamoDB refuses a BETWEEN whose bounds are reversed)
    const items = await allItems<Record<string, unknown>>((start) =>
      this.documents.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND t BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': this.keyOf(ticker, interval), ':from': from, ':to': to },
          ExclusiveStartKey: start,
          ...projectionOf(attributes),
          ...CONSISTENT_READ,
        }),
      ),
    );
    return items.map((item) => this.rowOf<R>(item, ticker, interval, attributes !== undefined));
  }

  /** The `limit` rows strictly before `before`, oldest first. */
  async lastBefore(ticker: string, interval: string, before: number, limit: number): Promise<T[]> {
    return this.newestBefore<T>(ticker, interval, before, limit);
  }

  /**
   * As lastBefore, but only the named attributes of each row: less for DynamoDB to send and,
   * above all, for the SDK to unmarshal (most of a long read's cost).
   */
  protected async newestBefore<R>(
    ticker: string,
    interval: string,
    before: number,
    limit: number,
    attributes?: readonly string[],
    /** Only rows after this time (exclusive). */
    after?: number,
  ): Promise<R[]> {
    const rows: R[] = [];
    if (after !== undefined && after + 1 > before - 1) return [];
    const range =
      after === undefined
        ? { condition: 't < :before', values: { ':before': before } }
        : { condition: 't BETWEEN :from AND :to', values: { ':from': after + 1, ':to': before - 1 } };
    const query = (start: Record<string, unknown> | undefined) =>
      this.documents.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: `pk = :pk AND ${range.condition}`,
          ExpressionAttributeValues: { ':pk': this.keyOf(ticker, interval), ...range.values },
          ScanIndexForward: false,
          Limit: limit - rows.length,
          ExclusiveStartKey: start,
          ...projectionOf(attributes),
          ...CONSISTENT_READ,
        }),
      );
    for await (const page of pages(query)) {
      rows.push(...(page.Items ?? []).map((item) => this.rowOf<R>(item, ticker, interval, attributes !== undefined)));
      if (rows.length >= limit) break;
    }
    return rows.reverse();
  }

  async latest(ticker: string, interval: string): Promise<T | undefined> {
    return (await this.lastBefore(ticker, interval, Number.MAX_SAFE_INTEGER, 1))[0];
  }

  async count(ticker: string, interval: string): Promise<number> {
    return countAll((start) =>
      this.documents.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': this.keyOf(ticker, interval) },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      ),
    );
  }
}

/** A Query's projection of the named attributes (all of them when none are named). */
function projectionOf(attributes: readonly string[] | undefined) {
  return (
    attributes && {
      ProjectionExpression: attributes.map((_, i) => `#a${i}`).join(', '),
      ExpressionAttributeNames: Object.fromEntries(attributes.map((name, i) => [`#a${i}`, name])),
    }
  );
}
