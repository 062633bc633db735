import { FEATURE_LOOKBACK } from '../domain/features';
import { IndicatorSet } from '../domain/indicators';
import type { Bar } from '../domain/market-event';
import type { StoredBar } from '../store/bars-store';
import type { IngestDeps } from './deps';

/**
 * What a worker keeps of a series between batches: the indicator state, and the last stored
 * rows, which are the history the next bars' model features need. Both are rebuilt from
 * storage when missing, so the common case needs no read.
 */
export interface SeriesState {
  indicators: IndicatorSet;
  /** The newest stored rows, oldest first, at most FEATURE_LOOKBACK of them. */
  recent: StoredBar[];
}

/**
 * Series states by `ticker#interval`. An entry is used only when it ends exactly where the
 * workflow says the stored series ends; otherwise (restart, another worker took a batch, a
 * retry) the state is rebuilt from storage.
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

/** The state of a series as stored before `before`: indicators warmed up over the stored history. */
export async function loadSeriesState(deps: Pick<IngestDeps, 'bars' | 'config'>, ticker: string, interval: string, before: number): Promise<SeriesState> {
  const history = await deps.bars.lastBefore(ticker, interval, before, deps.config.ingest.warmupBars);
  return { indicators: IndicatorSet.warmUp(history), recent: history.slice(-FEATURE_LOOKBACK) };
}

/** Bars with their indicators, as stored; the state advances over them in order. */
export function advanceSeries(state: SeriesState, ticker: string, interval: string, bars: readonly Bar[]): StoredBar[] {
  const rows = bars.map(({ t, o, h, l, c, v }) => ({ ticker, interval, time: new Date(t).toISOString(), t, o, h, l, c, v, ...state.indicators.add({ t, o, h, l, c, v }) }));
  state.recent = [...state.recent, ...rows].slice(-FEATURE_LOOKBACK);
  return rows;
}
