import { FEATURE_LOOKBACK } from '../domain/features';
import { IndicatorSet } from '../domain/indicators';
import type { Bar } from '../domain/market-event';
import type { ReplayInput, StoredBar } from '../store/bars-store';
import type { SeriesProgress } from '../store/series-progress-store';
import type { IngestDeps } from './deps';

/**
 * What a worker keeps of a series between reads: the indicator state, the last stored rows
 * (the history the next bars' model features need), the last sequence number processed, and
 * the prediction watermark. All of it is rebuilt from storage when missing.
 */
export interface SeriesState {
  indicators: IndicatorSet;
  /** The newest stored rows, oldest first, at most FEATURE_LOOKBACK of them. */
  recent: StoredBar[];
  lastSeq: string | null;
  /** The newest bar with a stored prediction (null: none). */
  predictedThrough: number | null;
}

/** A stored row that cannot be a bar: the series cannot go on until it is repaired. */
class CorruptStoredBarError extends Error {
  override name = 'CorruptStoredBarError';
}

const NUMERIC = ['t', 'o', 'h', 'l', 'c', 'v'] as const;

/** Rows read back from storage are checked before indicators are rebuilt from them. */
function checkRows(rows: readonly ReplayInput[], ticker: string, interval: string): void {
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
 * (the features' history, the last stored sequence number), indicators warmed up over them and
 * the older stored bars (only the attributes a replay needs: a cold start reads every series),
 * and the prediction watermark from its stored `progress` (fetched by the caller, in batches
 * when it loads many series).
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
  // A series with fewer stored rows than the features' window has nothing older to read.
  const older =
    recent.length < FEATURE_LOOKBACK
      ? []
      : await deps.bars.replayInputsBefore(
          ticker,
          interval,
          recent[0]!.t,
          deps.config.ingest.warmupBars - recent.length,
        );
  checkRows(older, ticker, interval);
  const last = recent.at(-1);
  const predictedThrough = progress?.predictedThrough ?? null;
  return {
    indicators: IndicatorSet.warmUp([...older, ...recent]),
    recent,
    lastSeq: last?.seq ?? null,
    predictedThrough: last && predictedThrough !== null ? Math.min(predictedThrough, last.t) : null,
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
