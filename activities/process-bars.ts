import { ApplicationFailure, Context } from '@temporalio/activity';
import { seriesKey } from '../domain/series-key';
import { BATCH_FAILED, type ProcessBarsInput, type ProcessBarsResult } from '../workflows/ingest-contracts';
import type { IngestDeps } from './deps';
import { countRetry } from './failure-kind';
import { processSeriesBars, writeProgress } from './data-plane';
import type { SeriesState, SeriesStateCache } from './series-state';

/**
 * A ticker workflow's batch: the shard reader's data plane for one series. An outage is
 * retried; a failure for good is a BatchFailed, which halts the ticker.
 */
export function processBarsActivity(deps: IngestDeps, cache: SeriesStateCache) {
  return async function processBars({
    ticker,
    interval,
    previousBarTime,
    bars,
  }: ProcessBarsInput): Promise<ProcessBarsResult> {
    if (bars.length === 0) throw new Error('processBars called without bars');
    countRetry(deps, 'processBars');
    Context.current().heartbeat();
    const key = seriesKey(ticker, interval);
    // take() removes the entry: if this attempt fails half-way, the next one rebuilds from storage.
    const cached = cache.take(key, previousBarTime);
    const states = new Map<string, SeriesState>(cached ? [[key, cached]] : []);
    const {
      outcomes: [outcome],
      progress,
    } = await processSeriesBars(deps, states, [{ ticker, interval, bars }]);
    await writeProgress(deps, progress);
    if (outcome!.failure !== undefined)
      throw ApplicationFailure.create({ type: BATCH_FAILED, message: outcome!.failure, nonRetryable: true });
    const state = states.get(key);
    if (state) cache.put(key, state);
    const { stored, duplicates, redelivered, lastBarTime, predictedThrough } = outcome!;
    return { stored, duplicates, redelivered, lastBarTime, predictedThrough };
  };
}
