import { ApplicationFailure, Context } from '@temporalio/activity';
import { IndicatorSet } from '../domain/indicators';
import type { Bar } from '../domain/market-event';
import type { StoredBar } from '../store/bars-store';
import type { ProcessBarsInput, ProcessBarsResult } from '../workflows/contracts';
import type { IngestDeps } from './deps';
import { countRetry, failUnlessTransient } from './failure-kind';

/**
 * Indicator state per series, kept between batches so the common case needs no read. An
 * entry is used only when it ends exactly where the workflow says the stored series ends;
 * otherwise (restart, another worker took a batch, a retry) state is rebuilt from storage.
 */
export class IndicatorCache {
  private readonly entries = new Map<string, IndicatorSet>();
  constructor(private readonly maxEntries = 20_000) {}

  take(key: string, lastBarTime: number | null): IndicatorSet | undefined {
    const set = this.entries.get(key);
    this.entries.delete(key);
    return set && lastBarTime !== null && set.lastBarTime === lastBarTime ? set : undefined;
  }

  put(key: string, set: IndicatorSet): void {
    this.entries.set(key, set);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

/** Bars with their indicators, as stored: the indicator state advances over them in order. */
export function indicatorRows(ticker: string, interval: string, bars: readonly Bar[], indicators: IndicatorSet): StoredBar[] {
  return bars.map(({ t, o, h, l, c, v }) => ({ ticker, interval, time: new Date(t).toISOString(), t, o, h, l, c, v, ...indicators.add({ t, o, h, l, c, v }) }));
}

/**
 * Computes every indicator for a series' new bars, in order, and stores bar + indicators
 * idempotently. An outage is retried; any other error fails the batch (see failure-kind).
 */
export function processBarsActivity(deps: IngestDeps, cache: IndicatorCache) {
  return async function processBars(input: ProcessBarsInput): Promise<ProcessBarsResult> {
    const { ticker, interval, bars } = input;
    const key = `${ticker}#${interval}`;
    const first = bars[0];
    const last = bars[bars.length - 1];
    if (!first || !last) throw new Error('processBars called without bars');

    countRetry(deps, 'processBars');
    const result = await failUnlessTransient(async () => {
      // take() removes the entry: if this attempt fails half-way, the next one rebuilds from storage.
      const heartbeat = () => Context.current().heartbeat();
      heartbeat();
      const indicators =
        cache.take(key, input.previousBarTime) ??
        IndicatorSet.warmUp(await deps.bars.lastBefore(ticker, interval, first.t, deps.config.ingest.warmupBars));
      const rows = indicatorRows(ticker, interval, bars, indicators);
      heartbeat();
      await deps.bars.put(rows);
      heartbeat();
      await deps.series.advance({ ticker, interval, lastBarTime: last.t, lastArrivalAt: last.arrivedAt, lastStoredAt: Date.now() });
      heartbeat();
      await deps.alerts.afterBars(ticker, interval, rows);
      cache.put(key, indicators);
      return { stored: rows.length, lastBarTime: last.t };
    }).catch((error: unknown) => {
      if (error instanceof ApplicationFailure && error.nonRetryable) deps.metrics.batchFailed(ticker, interval);
      throw error;
    });
    deps.metrics.barsStored(ticker, interval, bars.map((b) => b.arrivedAt), Date.now());
    return result;
  };
}
