import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Bar } from '../domain/market-event';
import type { IndicatorValues } from '../domain/indicators';
import { putAll } from './batch-write';
import { allItems, countAll, pages } from './pages';
import { seriesKey } from './schema';

export interface StoredBar extends Bar, IndicatorValues {
  ticker: string;
  interval: string;
  time: string;
}

type BarItem = StoredBar & { pk: string };

export class BarsStore {
  constructor(private readonly documents: DynamoDBDocumentClient, private readonly table: string) {}

  async put(bars: StoredBar[]): Promise<void> {
    await putAll(this.documents, this.table, bars.map((bar) => ({ pk: seriesKey(bar.ticker, bar.interval), ...bar })), 2);
  }

  /** Bars in [from, to] in time order. */
  async range(ticker: string, interval: string, from = 0, to = Number.MAX_SAFE_INTEGER): Promise<StoredBar[]> {
    const items = await allItems<BarItem>((start) =>
      this.documents.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND t BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': seriesKey(ticker, interval), ':from': from, ':to': to },
          ExclusiveStartKey: start,
        }),
      ),
    );
    return items.map(withoutKey);
  }

  /** The `limit` bars strictly before `before`, oldest first: the history an indicator warm-up replays. */
  async lastBefore(ticker: string, interval: string, before: number, limit: number): Promise<StoredBar[]> {
    const bars: StoredBar[] = [];
    const query = (start: Record<string, unknown> | undefined) =>
      this.documents.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND t < :before',
          ExpressionAttributeValues: { ':pk': seriesKey(ticker, interval), ':before': before },
          ScanIndexForward: false,
          Limit: limit - bars.length,
          ExclusiveStartKey: start,
        }),
      );
    for await (const page of pages(query)) {
      bars.push(...((page.Items ?? []) as unknown as BarItem[]).map(withoutKey));
      if (bars.length >= limit) break;
    }
    return bars.reverse();
  }

  async latest(ticker: string, interval: string): Promise<StoredBar | undefined> {
    return (await this.lastBefore(ticker, interval, Number.MAX_SAFE_INTEGER, 1))[0];
  }

  async count(ticker: string, interval: string): Promise<number> {
    return countAll((start) =>
      this.documents.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': seriesKey(ticker, interval) },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      ),
    );
  }
}

function withoutKey({ pk: _pk, ...bar }: BarItem): StoredBar {
  return bar;
}
