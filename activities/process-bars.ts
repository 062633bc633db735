import { ApplicationFailure, Context, log } from '@temporalio/activity';
import type { ProcessBarsInput, ProcessBarsResult } from '../workflows/contracts';
import type { IngestDeps } from './deps';
import { countRetry, failUnlessTransient } from './failure-kind';
import { predictAndStore, type PredictRequest } from './predict-bars';
import { advanceSeries, loadSeriesState, type SeriesStateCache } from './series-state';

/**
 * How long a batch waits on the endpoint before leaving its bars to the workflow's own
 * predict step; the bars are stored already, so a slow endpoint never holds up ingestion.
 */
const INLINE_PREDICT_TIMEOUT_MS = 5_000;

/**
 * Computes every indicator for a series' new bars, in order, and stores bar + indicators
 * idempotently. An outage is retried; any other error fails the batch (see failure-kind).
 * When asked (the series' predictions are caught up), it also predicts the new bars: one
 * activity per batch instead of two, so a prediction is stored one Temporal round trip sooner.
 */
export function processBarsActivity(deps: IngestDeps, cache: SeriesStateCache) {
  return async function processBars(input: ProcessBarsInput): Promise<ProcessBarsResult> {
    const { ticker, interval, bars } = input;
    const key = `${ticker}#${interval}`;
    const first = bars[0];
    const last = bars[bars.length - 1];
    if (!first || !last) throw new Error('processBars called without bars');

    countRetry(deps, 'processBars');
    const { rows, history } = await failUnlessTransient(async () => {
      // take() removes the entry: if this attempt fails half-way, the next one rebuilds from storage.
      const heartbeat = () => Context.current().heartbeat();
      heartbeat();
      const state = cache.take(key, input.previousBarTime) ?? (await loadSeriesState(deps, ticker, interval, first.t));
      const before = state.recent;
      const stored = advanceSeries(state, ticker, interval, bars);
      heartbeat();
      await deps.bars.put(stored);
      heartbeat();
      await deps.series.advance({ ticker, interval, lastBarTime: last.t, lastArrivalAt: last.arrivedAt, lastStoredAt: Date.now() });
      heartbeat();
      await deps.alerts.afterBars(ticker, interval, stored);
      cache.put(key, state);
      return { rows: stored, history: before };
    }).catch((error: unknown) => {
      if (error instanceof ApplicationFailure && error.nonRetryable) deps.metrics.batchFailed(ticker, interval);
      throw error;
    });
    deps.metrics.barsStored(ticker, interval, bars.map((b) => b.arrivedAt), Date.now());
    const result: ProcessBarsResult = { stored: rows.length, lastBarTime: last.t };
    if (input.predictHorizon !== undefined && (await predictInline(deps, { ticker, interval, horizon: input.predictHorizon, history, bars: rows }))) result.predictedThrough = last.t;
    return result;
  };
}

/** True when the bars were predicted; any failure is left to the workflow's predict step, which retries. */
async function predictInline(deps: IngestDeps, request: Omit<PredictRequest, 'timeoutMs'>): Promise<boolean> {
  try {
    Context.current().heartbeat();
    await predictAndStore(deps, { ...request, timeoutMs: INLINE_PREDICT_TIMEOUT_MS });
    return true;
  } catch (error) {
    log.info('prediction left to the predict step', { ticker: request.ticker, interval: request.interval, reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    return false;
  }
}
