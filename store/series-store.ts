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
}

export class SeriesStore {
  constructor(private readonly documents: DynamoDBDocumentClient, private readonly table: string) {}

  /** Moves progress forward only: a retried or late batch never rewinds it. */
  async advance(progress: SeriesProgress): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: seriesKey(progress.ticker, progress.interval) },
          UpdateExpression: 'SET ticker = :ticker, #i = :interval, lastBarTime = :t, lastArrivalAt = :a, lastStoredAt = :s',
          ConditionExpression: 'attribute_not_exists(lastBarTime) OR lastBarTime <= :t',
          ExpressionAttributeNames: { '#i': 'interval' },
          ExpressionAttributeValues: {
            ':ticker': progress.ticker,
            ':interval': progress.interval,
            ':t': progress.lastBarTime,
            ':a': progress.lastArrivalAt,
            ':s': progress.lastStoredAt,
          },
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

  async list(): Promise<SeriesProgress[]> {
    const all = await allItems<SeriesProgress>((start) => this.documents.send(new ScanCommand({ TableName: this.table, ExclusiveStartKey: start })));
    return all.sort((a, b) => a.ticker.localeCompare(b.ticker) || a.interval.localeCompare(b.interval));
  }
}
