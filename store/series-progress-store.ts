import { ScanCommand, UpdateCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { getAll } from './batch-get';
import { putAll } from './batch-write';
import { allItems } from './pages';
import { CONSISTENT_READ } from './consistent-read';
import { seriesKey } from '../domain/series-key';
import { positionFrom, positionText, type ChainPosition } from '../domain/warmup-blocks';

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
  /** The stream record of the bar at lastBarTime (absent: it has none, or stored before it was kept). */
  lastSeq?: string;
  /** Where the series' warm-up block chain stood at lastBarTime (absent: stored before it was kept). */
  chain?: ChainPosition;
}

/** A progress item as stored: its chain position is a string (a map in items written before). */
type StoredProgress = Omit<SeriesProgress, 'chain'> & { pk?: string; chain?: unknown };

function progressOf({ pk: _key, chain, ...progress }: StoredProgress): SeriesProgress {
  const position = positionFrom(chain);
  return position ? { ...progress, chain: position } : progress;
}

export class SeriesProgressStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Stores the progress of series in batched puts, replacing what was there. Only a series'
   * owner writes it, in order (the shard reader that reads it, or its ticker workflow while
   * that holds it), so a put never goes back in time; the one other writer, the prediction
   * catch-up, only moves the watermark, and a put that carries an older one costs a few
   * repeated predictions, never a lost one. `concurrency` requests are in flight.
   */
  async putAll(progress: readonly SeriesProgress[], concurrency = 4): Promise<void> {
    await putAll(
      this.documents,
      this.table,
      progress.map(({ chain, ...p }) => ({
        pk: seriesKey(p.ticker, p.interval),
        ...p,
        ...(chain ? { chain: positionText(chain) } : {}),
      })),
      concurrency,
    );
  }

  /** Moves the prediction watermark forward only. */
  async predicted(ticker: string, interval: string, through: number): Promise<void> {
    await this.update(
      ticker,
      interval,
      'SET ticker = :ticker, #i = :interval, predictedThrough = :p',
      'attribute_not_exists(predictedThrough) OR predictedThrough < :p',
      {
        ':ticker': ticker,
        ':interval': interval,
        ':p': through,
      },
    );
  }

  private async update(
    ticker: string,
    interval: string,
    expression: string,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<void> {
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
    const result = await this.documents.send(
      new GetCommand({ TableName: this.table, Key: { pk: seriesKey(ticker, interval) }, ...CONSISTENT_READ }),
    );
    return result.Item ? progressOf(result.Item as StoredProgress) : undefined;
  }

  /** The progress of many series in batched gets, by series key; a series never stored has no entry. */
  async getMany(series: ReadonlyArray<{ ticker: string; interval: string }>): Promise<Map<string, SeriesProgress>> {
    const items = await getAll<StoredProgress & { pk: string }>(
      this.documents,
      this.table,
      series.map((s) => ({ pk: seriesKey(s.ticker, s.interval) })),
    );
    return new Map(items.map((item) => [item.pk, progressOf(item)]));
  }

  /** Series of an interval whose stored bars are not all predicted yet. */
  async lagging(interval: string): Promise<SeriesProgress[]> {
    const items = await allItems<StoredProgress>((start) =>
      this.documents.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression:
            '#i = :interval AND (attribute_not_exists(predictedThrough) OR predictedThrough < lastBarTime)',
          ExpressionAttributeNames: { '#i': 'interval' },
          ExpressionAttributeValues: { ':interval': interval },
          ExclusiveStartKey: start,
        }),
      ),
    );
    return items.map(progressOf);
  }

  async list(): Promise<SeriesProgress[]> {
    const all = await allItems<StoredProgress>((start) =>
      this.documents.send(new ScanCommand({ TableName: this.table, ExclusiveStartKey: start })),
    );
    return all.map(progressOf).sort((a, b) => a.ticker.localeCompare(b.ticker) || a.interval.localeCompare(b.interval));
  }
}
