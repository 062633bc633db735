import { FEATURE_LOOKBACK } from '../domain/features';
import { IndicatorSet } from '../domain/indicators';
import type { Bar } from '../domain/market-event';
import { BLOCK_BARS, contiguousBlocks, warmupInput, type BlockChain, type WarmupInput } from '../domain/warmup-blocks';
import type { BarsStore, StoredBar } from '../store/bars-store';
import type { SeriesProgress } from '../store/series-progress-store';
import type { IngestDeps } from './deps';

/**
 * What a worker keeps of a series between reads: the indicator state, the last stored rows
 * (the history the next bars' model features need), the last sequence number processed, the
 * prediction watermark, and the bars not yet in a warm-up block. All of it is rebuilt from
 * storage when missing.
 */
export interface SeriesState {
  indicators: IndicatorSet;
  /** The bars since the series' newest warm-up block: the next block, once it is whole. */
  chain: BlockChain;
  /** The newest stored rows, oldest first, at most FEATURE_LOOKBACK of them. */
  recent: StoredBar[];
  lastSeq: string | null;
  /** The newest bar with a stored prediction (null: none). */
  predictedThrough: number | null;
}

/** The state of a series with nothing stored yet. */
export const emptySeriesState = (): SeriesState => ({
  indicators: IndicatorSet.empty(),
  chain: { pending: [], after: null },
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

/**
 * The state of a series as stored before `before` (default: all of it): the newest rows in full
 * (the features' history, the last stored sequence number), indicators warmed up over the
 * newest TICKFLOW_WARMUP_BARS bars, and the prediction watermark from its stored `progress`
 * (fetched by the caller, in batches when it loads many series), from the series' warm-up
 * blocks and the few bars after them (warmUpInputs).
 */
export async function loadSeriesState(
  deps: Pick<IngestDeps, 'bars' | 'config'>,
  ticker: string,
  interval: string,
  progress: SeriesProgress | undefined,
  before = Number.MAX_SAFE_INTEGER,
): Promise<SeriesState> {
  // Their forecasts are not the state's: left out, so 8,000 series do not keep them in memory.
  const recent = (await deps.bars.lastBefore(ticker, interval, before, FEATURE_LOOKBACK)).map(
    ({ prediction: _prediction, ...bar }) => bar,
  );
  checkRows(recent, ticker, interval);
  const last = recent.at(-1);
  // Bars past the progress item's are from a read that did not finish (its records come again;
  // its requests may have landed out of order): taken as of the last finished read, so they are
  // redone and one it did not get to is not taken for a repeat.
  if (before === Number.MAX_SAFE_INTEGER && progress && last && last.t > progress.lastBarTime)
    return loadSeriesState(deps, ticker, interval, progress, progress.lastBarTime + 1);
  // A series with fewer stored rows than the features' window has nothing older to read.
  const need = recent.length < FEATURE_LOOKBACK ? 0 : deps.config.ingest.warmupBars - recent.length;
  // Blocks past `before` are passed over (a block is trusted only up to the newest bar read).
  const warm = await warmUpInputs(deps.bars, ticker, interval, recent, need);
  checkRows(warm.older, ticker, interval);
  const predictedThrough = progress?.predictedThrough ?? null;
  return {
    indicators: IndicatorSet.warmUp([...warm.older, ...recent]),
    chain: warm.chain,
    recent,
    lastSeq: last?.seq ?? null,
    predictedThrough: last && predictedThrough !== null ? Math.min(predictedThrough, last.t) : null,
  };
}

/**
 * The `need` bars before `recent` as a warm-up replays them, and the block chain to go on with:
 * the series' newest contiguous warm-up blocks, the bars after them (fewer than a block's worth
 * unless a replay dropped blocks), and stored bars for whatever the blocks do not reach. Every
 * input is a stored bar's values either way, so the indicators come out the same.
 */
export async function warmUpInputs(
  bars: Pick<BarsStore, 'newestBlocks' | 'replayInputsBefore'>,
  ticker: string,
  interval: string,
  recent: readonly StoredBar[],
  need: number,
): Promise<{ older: WarmupInput[]; chain: BlockChain }> {
  const last = recent.at(-1);
  if (!last) return { older: [], chain: { pending: [], after: null } };
  const first = recent[0]!.t;
  const barsBefore = async (before: number, count: number) =>
    count <= 0 ? [] : bars.replayInputsBefore(ticker, interval, before, count);
  // A block past the newest stored bar landed without all its bars (a write cut short, then retried): not trusted.
  const stored = need === 0 ? [] : await bars.newestBlocks(ticker, interval, Math.ceil(need / BLOCK_BARS) + 2);
  const blocks = contiguousBlocks(stored.filter((block) => block.t <= last.t));
  const newest = blocks[0];
  // The bars after the newest block; as many as `need` means blocks were dropped (a replay): the chain starts again.
  const gap = newest ? await bars.replayInputsBefore(ticker, interval, first, need, newest.t) : [];
  if (!newest || gap.length >= need) {
    const older = gap.length >= need ? gap : await barsBefore(first, need);
    // Fewer than asked for: that is the series' whole history, so the chain starts with its first bar.
    const whole = older.length < need || need === 0;
    return {
      older,
      chain: whole ? { pending: [...older, ...recent].map(warmupInput), after: null } : { pending: [], after: last.t },
    };
  }
  const fromBlocks = blocks
    .flatMap((block) => block.inputs)
    .filter((input) => input.t < first)
    .sort((a, b) => a.t - b.t);
  const known = [...fromBlocks, ...gap];
  const older = [...(await barsBefore(known[0]?.t ?? first, need - known.length)), ...known].slice(-need);
  return {
    older,
    chain: { pending: [...gap, ...recent].filter((bar) => bar.t > newest.t).map(warmupInput), after: newest.t },
  };
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
  state.recent = [...state.recent, ...rows].slice(-FEATURE_LOOKBACK);
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
