import { log } from '@temporalio/activity';
import type { BarInterval } from '../domain/market-event';
import type { IngestDeps } from './deps';
import { predictStoredBars } from './predict-bars';
import type { SeriesState } from './series-state';

/** How long one catch-up pass may take before the shard is read again. */
const PASS_BUDGET_MS = 2_000;

/** Waits between catch-up attempts while the endpoint fails: 1 s, doubling up to the configured maximum. */
export class PredictionBackoff {
  private delayMs = 0;
  private nextAt = 0;
  constructor(private readonly maxMs: number) {}
  get due(): boolean {
    return Date.now() >= this.nextAt;
  }
  failed(): void {
    this.delayMs = Math.min(Math.max(1_000, this.delayMs * 2), this.maxMs);
    this.nextAt = Date.now() + this.delayMs;
  }
  succeeded(): void {
    this.delayMs = 0;
    this.nextAt = 0;
  }
}

/**
 * Predicts the stored bars of series that fell behind on predictions (the endpoint was down,
 * slow, or had no model): their bars were stored without waiting. Runs between reads, for at
 * most PASS_BUDGET_MS, and stops at the first failure until the backoff is over.
 */
export async function catchUpPredictions(deps: IngestDeps, states: Map<string, SeriesState>, backoff: PredictionBackoff): Promise<void> {
  const { interval, horizon } = deps.config.model;
  const passEnds = Date.now() + PASS_BUDGET_MS;
  for (const [key, state] of states) {
    if (!backoff.due || Date.now() >= passEnds) return;
    const [ticker, seriesInterval] = key.split('#') as [string, BarInterval];
    const through = state.indicators.lastBarTime;
    if (seriesInterval !== interval || through === null || state.predictedThrough === through) continue;
    try {
      const result = await predictStoredBars(deps, { ticker, interval, after: state.predictedThrough, through, horizon });
      state.predictedThrough = result.predictedThrough;
      backoff.succeeded();
    } catch (error) {
      backoff.failed();
      log.info('prediction catch-up waits for the endpoint', { ticker, interval, reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      return;
    }
  }
}
