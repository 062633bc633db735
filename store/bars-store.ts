import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { IndicatorValues } from '../domain/indicators';
import { seriesKey } from '../domain/series-key';
import { packInputs, unpackInputs, type WarmupBlock, type WarmupInput } from '../domain/warmup-blocks';
import { getAll } from './batch-get';
import { CONSISTENT_READ } from './consistent-read';
import { deleteAll, putAll } from './batch-write';
import { allItems } from './pages';
import type { Forecast, Prediction } from './predictions-store';
import { SeriesTable } from './series-table';
import { barItem, barOf, type BarItem } from './bar-item';

export interface StoredBar extends WarmupInput, IndicatorValues {
  ticker: string;
  interval: string;
  time: string;
  /** The stream record the bar came from (absent on rows stored before it was kept). */
  seq?: string;
  /** The model in service's forecast made at this bar, once there is one: one item per bar holds both. */
  prediction?: Forecast;
}

/** What a series' state is rebuilt from: the warm-up inputs, and the stream record of the newest. */
const ROW_ATTRIBUTES = ['t', 'o', 'h', 'l', 'c', 'v', 'obv', 'seq'] as const satisfies readonly (keyof StoredBar)[];
const FORECAST_ATTRIBUTES = ['t', 'prediction'] as const satisfies readonly (keyof StoredBar)[];

/** A stored bar's warm-up input and the stream record it came from. */
export type SequencedInput = WarmupInput & Pick<StoredBar, 'seq'>;

/** Forecasts of one model's series, wherever they are kept. */
export interface ForecastReader {
  /** Forecasts made at bars in [from, to], in time order. */
  range(ticker: string, interval: string, from?: number, to?: number): Promise<Prediction[]>;
  /** The newest forecasts before `before`, at most `limit` of them, oldest first. */
  lastBefore(ticker: string, interval: string, before: number, limit: number): Promise<Prediction[]>;
}

/** The forecasts among bars, as predictions (bars without one are left out). */
export function predictionsOf(ticker: string, interval: string, bars: readonly Pick<StoredBar, 't' | 'prediction'>[]) {
  return bars.flatMap((b): Prediction[] => (b.prediction ? [{ ticker, interval, t: b.t, ...b.prediction }] : []));
}

/** Where a series' warm-up blocks are kept: beside its bars, under a key no series has. */
const BLOCKS_PREFIX = 'warmup#';
const blocksKey = (ticker: string, interval: string) => `${BLOCKS_PREFIX}${seriesKey(ticker, interval)}`;

interface BlockItem {
  pk: string;
  t: number;
  after: number | null;
  /** The packed inputs in base64 (a String: the SDK checks every Binary value with a regular expression); Binary in blocks written before. */
  inputs: string | Uint8Array;
}

const blockOf = (item: BlockItem): WarmupBlock => ({
  t: item.t,
  after: item.after,
  inputs: unpackInputs(typeof item.inputs === 'string' ? Buffer.from(item.inputs, 'base64') : item.inputs),
});

/** Bars with every indicator, and the forecast made at each; and each series' warm-up blocks. */
export class BarsStore extends SeriesTable<StoredBar> {
  protected override itemOf(row: StoredBar): BarItem {
    return barItem(row);
  }

  protected override rowOf<R>(item: Record<string, unknown>, ticker: string, interval: string, projected: boolean): R {
    return barOf<R & Partial<StoredBar>>(item, projected ? undefined : { ticker, interval });
  }

  /**
   * The `limit` bars before `before` (and after `after`, when given), oldest first, with only
   * what a series' state is rebuilt from: DynamoDB sends, and the SDK unmarshals, a third of each row.
   */
  inputsBefore(
    ticker: string,
    interval: string,
    before: number,
    limit: number,
    after?: number,
  ): Promise<SequencedInput[]> {
    return this.newestBefore<SequencedInput>(ticker, interval, before, limit, ROW_ATTRIBUTES, after);
  }

  /**
   * Bars, and the warm-up blocks they complete, in one batched write (blocks live beside the
   * bars, under their own key), `concurrency` requests in flight.
   */
  async putWithBlocks(
    rows: readonly StoredBar[],
    blocks: ReadonlyArray<{ ticker: string; interval: string; block: WarmupBlock }>,
    concurrency: number,
  ) {
    await putAll(
      this.documents,
      this.table,
      [
        ...rows.map(barItem),
        ...blocks.map(({ ticker, interval, block }) => ({
          pk: blocksKey(ticker, interval),
          t: block.t,
          after: block.after,
          inputs: Buffer.from(packInputs(block.inputs)).toString('base64'),
        })),
      ],
      concurrency,
    );
  }

  /** A series' newest `limit` warm-up blocks, newest first. */
  async newestBlocks(ticker: string, interval: string, limit: number): Promise<WarmupBlock[]> {
    const page = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': blocksKey(ticker, interval) },
        ScanIndexForward: false,
        Limit: limit,
        ...CONSISTENT_READ,
      }),
    );
    return ((page.Items ?? []) as BlockItem[]).map(blockOf);
  }

  /**
   * Warm-up blocks by key, for many series at once (a BatchGetItem per 100 blocks, where a query
   * per series was a request each): by series key, newest first; a block not found is left out.
   */
  async blocksAt(
    wanted: ReadonlyArray<{ ticker: string; interval: string; blocks: readonly number[] }>,
  ): Promise<Map<string, WarmupBlock[]>> {
    const keys = wanted.flatMap(({ ticker, interval, blocks }) =>
      blocks.map((t) => ({ pk: blocksKey(ticker, interval), t })),
    );
    const found = new Map<string, WarmupBlock[]>();
    for (const item of await getAll<BlockItem>(this.documents, this.table, keys)) {
      const series = item.pk.slice(BLOCKS_PREFIX.length);
      found.set(series, [...(found.get(series) ?? []), blockOf(item)]);
    }
    for (const blocks of found.values()) blocks.sort((a, b) => b.t - a.t);
    return found;
  }

  /** Drops the blocks that hold any bar at or after `from` (a replay rewrites those bars). */
  async dropBlocksFrom(ticker: string, interval: string, from: number): Promise<void> {
    const pk = blocksKey(ticker, interval);
    const keys = await allItems<{ pk: string; t: number }>((start) =>
      this.documents.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND t >= :from',
          ExpressionAttributeValues: { ':pk': pk, ':from': from },
          ProjectionExpression: 'pk, t',
          ExclusiveStartKey: start,
          ...CONSISTENT_READ,
        }),
      ),
    );
    await deleteAll(this.documents, this.table, keys);
  }

  /**
   * The model in service's forecasts, read from the bars that hold them. `lastBefore` looks at
   * the newest `limit` bars only, so a series with a long unpredicted past is never read whole.
   */
  readonly forecasts: ForecastReader = {
    range: async (ticker, interval, from, to) =>
      predictionsOf(
        ticker,
        interval,
        await this.rangeOf<Pick<StoredBar, 't' | 'prediction'>>(ticker, interval, from, to, FORECAST_ATTRIBUTES),
      ),
    lastBefore: async (ticker, interval, before, limit) =>
      predictionsOf(
        ticker,
        interval,
        await this.newestBefore<Pick<StoredBar, 't' | 'prediction'>>(
          ticker,
          interval,
          before,
          limit,
          FORECAST_ATTRIBUTES,
        ),
      ),
  };
}
