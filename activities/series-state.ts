import { FEATURE_LOOKBACK, type HistoryBar } from '../domain/features';
import { IndicatorSet } from '../domain/indicators';
import type { Bar } from '../domain/market-event';
import { seriesKey } from '../domain/series-key';
import {
  BLOCK_BARS,
  blocksToRead,
  contiguousBlocks,
  newChain,
  warmupInput,
  type BlockChain,
  type ChainPosition,
  type WarmupBlock,
  type WarmupInput,
} from '../domain/warmup-blocks';
import type { BarsStore, SequencedInput, StoredBar } from '../store/bars-store';
import type { SeriesProgress } from '../store/series-progress-store';
import type { IngestDeps } from './deps';

/**
 * What a worker keeps of a series between reads: the indicator state, the newest bars' closes
 * and volumes (the history the next bars' model features need), the last sequence number
 * processed, the prediction watermark, and the bars not yet in a warm-up block. All of it is
 * rebuilt from storage when missing.
 */
export interface SeriesState {
  indicators: IndicatorSet;
  /** The bars since the series' newest warm-up block: the next block, once it is whole. */
  chain: BlockChain;
  /** The newest stored bars, oldest first, at most FEATURE_LOOKBACK of them. */
  recent: HistoryBar[];
  lastSeq: string | null;
  /** The newest bar with a stored prediction (null: none). */
  predictedThrough: number | null;
}

/** The state of a series with nothing stored yet. */
export const emptySeriesState = (): SeriesState => ({
  indicators: IndicatorSet.empty(),
  chain: newChain(null),
  recent: [],
  lastSeq: null,
  predictedThrough: null,
});

/** A stored row that cannot be a bar: the series cannot go on until it is repaired. */
class CorruptStoredBarError extends Error {
  override name = 'CorruptStoredBarError';
}

const NUMERIC = ['t', 'o', 'h', 'l', 'c', 'v'] as const;

/** Rows read back from storage are checked before indicators are rebuilt from them. */
function checkRows(rows: readonly WarmupInput[], ticker: string, interval: string): void {
  for (const row of rows) {
    const bad = NUMERIC.find((field) => typeof row[field] !== 'number' || !Number.isFinite(row[field]));
    if (bad)
      throw new CorruptStoredBarError(
        `stored bar ${ticker} ${interval} ${typeof row.t === 'number' ? new Date(row.t).toISOString() : String(row.t)}: ${bad} is ${JSON.stringify(row[bad])}, not a number`,
      );
  }
}

/** How a series is loaded: as of its last finished read (the default), or before a replay's start. */
export interface LoadOptions {
  /** The series as stored before this bar time (a range replay's start). */
  before?: number;
  /** The blocks its progress item names, being fetched for many series at once (hintedBlocks). */
  blocks?: Promise<WarmupBlock[]> | undefined;
}

/**
 * The state of a series as stored before `before`, or as of its last finished read (its
 * `progress`, fetched by the caller, in batches when it loads many series): indicators warmed up
 * over the newest TICKFLOW_WARMUP_BARS stored bars (storedWarmup), the newest of them as the
 * features' history, and the prediction watermark.
 */
export async function loadSeriesState(
  deps: Pick<IngestDeps, 'bars' | 'config'>,
  ticker: string,
  interval: string,
  progress: SeriesProgress | undefined,
  { before, blocks }: LoadOptions = {},
): Promise<SeriesState> {
  // Bars past the progress item's are from a read that did not finish (its records come again;
  // its requests may have landed out of order): loaded as of the last finished read, so they are
  // redone and one it did not get to is not taken for a repeat.
  const until = before ?? (progress ? progress.lastBarTime + 1 : Number.MAX_SAFE_INTEGER);
  // The chain's position is as of the progress item's bar: of use only for a load as of it.
  const position = before === undefined ? progress?.chain : undefined;
  const warmup = await storedWarmup(
    deps.bars,
    { ticker, interval },
    until,
    deps.config.ingest.warmupBars,
    position && { position, lastSeq: progress?.lastSeq, blocks },
  );
  const last = warmup.inputs.at(-1);
  const predictedThrough = progress?.predictedThrough ?? null;
  return {
    indicators: IndicatorSet.warmUp(warmup.inputs),
    chain: warmup.chain,
    recent: warmup.inputs.slice(-FEATURE_LOOKBACK),
    lastSeq: warmup.lastSeq,
    predictedThrough: last && predictedThrough !== null ? Math.min(predictedThrough, last.t) : null,
  };
}

/** Block keys in one BatchGetItem (DynamoDB's limit). */
const BLOCK_KEYS_PER_GET = 100;

/**
 * The warm-up blocks the progress items name, for the cold loads of many series: fetched by key,
 * up to 100 a request where a query per series was a request each. The requests go one after
 * another in the order given (the order of the loads), so each series' load can start at once
 * and the first loads overlap the next fetches. By series key; a promise that fails rejects
 * only the load that awaits it.
 */
export function hintedBlocks(
  deps: Pick<IngestDeps, 'bars' | 'config'>,
  progress: readonly SeriesProgress[],
): Map<string, Promise<WarmupBlock[]>> {
  const wanted = progress.flatMap(({ ticker, interval, chain }) => {
    const blocks = chain ? blocksWanted(chain, deps.config.ingest.warmupBars) : [];
    return blocks.length > 0 ? [{ ticker, interval, blocks }] : [];
  });
  const groups: (typeof wanted)[] = [];
  let keys = Number.POSITIVE_INFINITY;
  for (const series of wanted) {
    if (keys + series.blocks.length > BLOCK_KEYS_PER_GET) {
      groups.push([]);
      keys = 0;
    }
    groups.at(-1)!.push(series);
    keys += series.blocks.length;
  }
  const found = new Map<string, Promise<WarmupBlock[]>>();
  let previous: Promise<unknown> = Promise.resolve();
  for (const group of groups) {
    const fetched = previous.then(() => deps.bars.blocksAt(group));
    previous = fetched.catch(() => undefined);
    for (const { ticker, interval } of group) {
      const key = seriesKey(ticker, interval);
      const blocks = fetched.then((byKey) => byKey.get(key) ?? []);
      blocks.catch(() => undefined); // rejected for the load that awaits it, not as an unhandled rejection before
      found.set(key, blocks);
    }
  }
  return found;
}

const blocksWanted = (position: ChainPosition, warmupBars: number) =>
  position.blocks.slice(0, blocksToRead(warmupBars, position.pending));

/** A series' warm-up as a cold load finds it in storage. */
export interface StoredWarmup {
  /** The newest `warmupBars` stored bars (fewer: the whole series), oldest first. */
  inputs: WarmupInput[];
  /** The block chain to go on with. */
  chain: BlockChain;
  /** The stream record of the newest (null: none kept). */
  lastSeq: string | null;
}

/** Where a progress item says the series' chain stood, and what it holds beside. */
export interface WarmupHint {
  position: ChainPosition;
  /** The record of the series' newest bar, from the same progress item. */
  lastSeq?: string | undefined;
  blocks?: Promise<WarmupBlock[]> | undefined;
}

type WarmupReader = Pick<BarsStore, 'inputsBefore' | 'newestBlocks' | 'blocksAt'>;
type Series = { ticker: string; interval: string };

/**
 * The newest `warmupBars` bars stored before `until`, as a warm-up replays them, and the block
 * chain to go on with: from the chain's position in the progress item while it still holds,
 * else by queries. Every input is a stored bar's values either way, so the indicators come out
 * the same.
 */
export async function storedWarmup(
  bars: WarmupReader,
  series: Series,
  until: number,
  warmupBars: number,
  hint?: WarmupHint,
): Promise<StoredWarmup> {
  const warmup =
    (hint && (await positionedWarmup(bars, series, until, warmupBars, hint))) ??
    (await queriedWarmup(bars, series, until, warmupBars));
  checkRows(warmup.inputs, series.ticker, series.interval);
  return warmup;
}

/**
 * From the chain's position, or undefined where it no longer holds (a range replay dropped its
 * blocks or rewrote the bars after them): the blocks it names, which must all be there, chained
 * up to `after`, and its `pending` bars after them, read with the bar before them so that one it
 * does not count shows. When no bar follows the newest block, and the progress item names the
 * newest bar's record, the blocks are all there is to read.
 */
async function positionedWarmup(
  bars: WarmupReader,
  { ticker, interval }: Series,
  until: number,
  warmupBars: number,
  { position, lastSeq, blocks: prefetched }: WarmupHint,
): Promise<StoredWarmup | undefined> {
  const { after, pending } = position;
  const known = pending === 0 && after !== null ? lastSeq : undefined;
  const rows: SequencedInput[] =
    known === undefined ? await bars.inputsBefore(ticker, interval, until, pending + 1) : [];
  const chained = rows.filter((row) => after === null || row.t > after);
  const counted =
    known !== undefined ||
    (chained.length === pending && (after === null ? rows.length === pending : rows.length > pending));
  if (!counted) return undefined;
  const wanted = blocksWanted(position, warmupBars);
  const fetched =
    (await prefetched) ??
    (wanted.length === 0
      ? []
      : ((await bars.blocksAt([{ ticker, interval, blocks: wanted }])).get(seriesKey(ticker, interval)) ?? []));
  const blocks = contiguousBlocks(fetched).slice(0, wanted.length);
  const named = blocks.length === wanted.length && blocks.every((block, i) => block.t === wanted[i]);
  if (!named || (blocks.length > 0 && blocks[0]!.t !== after)) return undefined;
  const pendingInputs = chained.map(warmupInput);
  return {
    inputs: await reachBack(bars, { ticker, interval }, [...inputsOf(blocks), ...pendingInputs], until, warmupBars, {
      whole: reachesFirstBar(blocks, after),
    }),
    chain: { pending: pendingInputs, after, blocks: blocks.map((block) => block.t) },
    lastSeq: known ?? rows.at(-1)?.seq ?? null,
  };
}

/**
 * By queries: the newest FEATURE_LOOKBACK rows, the newest contiguous blocks before them and the
 * bars between.
 */
async function queriedWarmup(
  bars: WarmupReader,
  series: Series,
  until: number,
  warmupBars: number,
): Promise<StoredWarmup> {
  const recent = await bars.inputsBefore(series.ticker, series.interval, until, FEATURE_LOOKBACK);
  checkRows(recent, series.ticker, series.interval);
  const first = recent[0]?.t;
  if (first === undefined) return { inputs: [], chain: newChain(null), lastSeq: null };
  // A series with fewer stored rows than the features' window has nothing older to read.
  const need = recent.length < FEATURE_LOOKBACK ? 0 : warmupBars - recent.length;
  const source = await queriedSource(bars, series, recent, need);
  const known = [...inputsOf(source.blocks), ...source.gap].filter((input) => input.t < first);
  const older = await reachBack(bars, series, known, first, need, {
    whole: reachesFirstBar(source.blocks, source.after),
  });
  const after = source.after;
  return {
    inputs: [...older, ...recent.map(warmupInput)],
    chain: {
      pending: [...source.gap, ...recent].filter((bar) => after === null || bar.t > after).map(warmupInput),
      after,
      blocks: source.blocks.map((block) => block.t).slice(0, blocksToRead(warmupBars)),
    },
    lastSeq: recent.at(-1)?.seq ?? null,
  };
}

/** Blocks' inputs in time order, from blocks newest first. */
const inputsOf = (blocks: readonly WarmupBlock[]) => blocks.toReversed().flatMap((block) => block.inputs);

/** Blocks that reach the series' first bar, or no blocks and a chain from its first bar: nothing older is stored. */
const reachesFirstBar = (blocks: readonly WarmupBlock[], after: number | null) =>
  (blocks.length > 0 ? blocks.at(-1)!.after : after) === null;

/**
 * The newest `count` of the inputs `known` (oldest first, all before `before`), with the stored
 * bars before them where they do not reach that far and are not the whole series.
 */
async function reachBack(
  bars: WarmupReader,
  { ticker, interval }: Series,
  known: readonly WarmupInput[],
  before: number,
  count: number,
  { whole }: { whole: boolean },
): Promise<WarmupInput[]> {
  const missing = whole ? 0 : count - known.length;
  const older = missing > 0 ? await replayInputs(bars, ticker, interval, known[0]?.t ?? before, missing) : [];
  return newest([...older, ...known], count);
}

/** Stored bars before `before` (after `after`) as a warm-up replays them: their records left out. */
const replayInputs = async (bars: WarmupReader, ...query: Parameters<WarmupReader['inputsBefore']>) =>
  (await bars.inputsBefore(...query)).map(warmupInput);

const newest = <T>(list: readonly T[], count: number): T[] => (count <= 0 ? [] : list.slice(-count));

/** What a queried warm-up found besides its recent rows. */
interface WarmupSource {
  /** The newest contiguous blocks, newest first. */
  blocks: WarmupBlock[];
  /** The stored bars after them (after `after` when there are none) and before the recent rows, oldest first. */
  gap: WarmupInput[];
  /** The bar the chain goes on after: the newest block's, or where a new chain starts (null: the series' first bar). */
  after: number | null;
}

/** The series' newest contiguous blocks, found by a query, and the bars after them. */
async function queriedSource(
  bars: WarmupReader,
  { ticker, interval }: Series,
  recent: readonly WarmupInput[],
  need: number,
): Promise<WarmupSource> {
  const first = recent[0]!.t;
  const last = recent.at(-1)!.t;
  // A block past the newest stored bar landed without all its bars (a write cut short, then retried): not trusted.
  const stored = need === 0 ? [] : await bars.newestBlocks(ticker, interval, Math.ceil(need / BLOCK_BARS) + 2);
  const blocks = contiguousBlocks(stored.filter((block) => block.t <= last));
  const newestBlock = blocks[0];
  if (newestBlock) {
    const gap = await replayInputs(bars, ticker, interval, first, need, newestBlock.t);
    // As many as `need`: blocks were dropped (a replay), the bars reach back far enough, and the chain starts again.
    return gap.length < need ? { blocks, gap, after: newestBlock.t } : { blocks: [], gap, after: last };
  }
  // No blocks (a series stored before them): its bars; fewer than asked for are its whole history, where the chain starts.
  const gap = need === 0 ? [] : await replayInputs(bars, ticker, interval, first, need);
  return { blocks: [], gap, after: gap.length < need || need === 0 ? null : last };
}

/** Bars with their indicators, as stored; the state advances over them in order. */
export function advanceSeries(
  state: SeriesState,
  ticker: string,
  interval: string,
  bars: ReadonlyArray<Bar & { seq?: string }>,
): StoredBar[] {
  const rows = bars.map(({ t, o, h, l, c, v, seq }) => ({
    ticker,
    interval,
    time: new Date(t).toISOString(),
    t,
    o,
    h,
    l,
    c,
    v,
    ...(seq === undefined ? {} : { seq }),
    ...state.indicators.add({ t, o, h, l, c, v }),
  }));
  state.recent = [...state.recent, ...rows.map(({ t, c, v }) => ({ t, c, v }))].slice(-FEATURE_LOOKBACK);
  const lastSeq = rows.findLast((r) => r.seq !== undefined)?.seq;
  if (lastSeq !== undefined) state.lastSeq = lastSeq;
  return rows;
}

/**
 * A shard's series states, valid only while the shard is read on from exactly where they end:
 * a run that starts anywhere else (another worker read on meanwhile, a retry from an older
 * heartbeat) starts from storage.
 */
export class ShardStates {
  private states = new Map<string, SeriesState>();
  private through: string | undefined = undefined;

  /** The states to use for a run that starts after `afterSequence`; `cold` when they had to be dropped. */
  startingAfter(afterSequence: string | undefined): { states: Map<string, SeriesState>; cold: boolean } {
    const cold = afterSequence === undefined || afterSequence !== this.through;
    if (cold) this.states = new Map();
    this.through = afterSequence;
    return { states: this.states, cold };
  }

  /** Every state now reflects the shard through `sequence`. */
  processedThrough(sequence: string | undefined): void {
    this.through = sequence;
  }

  /** States may be part-way through a read: the next run starts from storage. */
  invalidate(): void {
    this.states = new Map();
    this.through = undefined;
  }
}

/** One ShardStates per shard id, shared by the runs on this worker. */
export class ShardStateCache {
  private readonly shards = new Map<string, ShardStates>();
  for(shardId: string): ShardStates {
    let states = this.shards.get(shardId);
    if (!states) this.shards.set(shardId, (states = new ShardStates()));
    return states;
  }
}

/**
 * States of series processed by their ticker workflows, by `ticker#interval`. An entry is used
 * only when it ends exactly where the workflow says the stored series ends.
 */
export class SeriesStateCache {
  private readonly entries = new Map<string, SeriesState>();
  constructor(private readonly maxEntries = 20_000) {}

  take(key: string, lastBarTime: number | null): SeriesState | undefined {
    const state = this.entries.get(key);
    this.entries.delete(key);
    return state && lastBarTime !== null && state.indicators.lastBarTime === lastBarTime ? state : undefined;
  }

  put(key: string, state: SeriesState): void {
    this.entries.set(key, state);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
