import { allHandlersFinished, condition, continueAsNew, defineQuery, defineSignal, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { selectNewBars, takeBatches, type BarBatch } from '../domain/ingest-batch';
import type { IngestActivities, TickerProgress, TickerWorkflowInput } from './contracts';

export const barsSignal = defineSignal<[BarBatch]>('bars');
export const progressQuery = defineQuery<TickerProgress>('progress');

const { processBars } = proxyActivities<IngestActivities>({
  startToCloseTimeout: '30 seconds',
  // A worker that dies mid-batch is noticed after this, not after the whole timeout.
  heartbeatTimeout: '10 seconds',
  // Outages are retried until they end: a batch is never dropped.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * The entity workflow of one ticker and interval: receives that series' batches in stream
 * order and processes them one at a time, so bars and indicators are computed in order.
 * Continues as new before its history grows large, carrying unprocessed batches along.
 */
export async function tickerWorkflow(input: TickerWorkflowInput): Promise<void> {
  const { ticker, interval, options } = input;
  const pending: BarBatch[] = [...(input.pending ?? [])];
  let lastBarTime = input.lastBarTime ?? null;
  const stats = { batches: 0, barsStored: 0, duplicatesSkipped: 0, ...input.stats };
  let batchesThisRun = 0;
  let processing = false;

  setHandler(barsSignal, (batch) => {
    pending.push(batch);
  });
  setHandler(progressQuery, () => ({ ticker, interval, lastBarTime, pendingBatches: pending.length, processing, ...stats }));

  for (;;) {
    await condition(() => pending.length > 0);
    processing = true;
    const batches = takeBatches(pending, options.maxBarsPerActivity);
    const { fresh, duplicates } = selectNewBars(batches.flatMap((b) => b.bars), lastBarTime);
    if (fresh.length > 0) {
      const result = await processBars({ ticker, interval, previousBarTime: lastBarTime, bars: fresh });
      lastBarTime = result.lastBarTime;
      stats.barsStored += result.stored;
      // Predictions (model issue) slot in here: predict(fresh) → store, with the same idempotent keys.
    }
    stats.batches += batches.length;
    stats.duplicatesSkipped += duplicates;
    batchesThisRun += batches.length;
    processing = false;

    if (batchesThisRun >= options.batchesPerRun || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof tickerWorkflow>({ ticker, interval, options, lastBarTime, pending, stats });
    }
  }
}
