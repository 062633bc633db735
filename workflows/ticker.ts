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
 * Predictions run beside it, never in its way: one predict activity at a time covers every
 * stored bar not yet predicted, and while the endpoint is down or has no model it is retried
 * (server-side, no history growth) while bars keep being stored. Continues as new before its
 * history grows large, carrying unprocessed batches and the prediction watermark along.
 */
export async function tickerWorkflow(input: TickerWorkflowInput): Promise<void> {
  const { ticker, interval, options } = input;
  const pending: BarBatch[] = [...(input.pending ?? [])];
  let lastBarTime = input.lastBarTime ?? null;
  let predictedThrough = input.predictedThrough ?? null;
  const stats = { batches: 0, barsStored: 0, duplicatesSkipped: 0, ...input.stats };
  let batchesThisRun = 0;
  let processing = false;
  let predicting = false;

  const prediction = options.prediction?.interval === interval ? options.prediction : undefined;
  const { predictBars } = proxyActivities<IngestActivities>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: `${prediction?.retryMaxSeconds ?? 60} seconds` },
  });
  const predictBacklog = (): void => {
    if (!prediction || predicting || lastBarTime === null || (predictedThrough !== null && predictedThrough >= lastBarTime)) return;
    predicting = true;
    predictBars({ ticker, interval, after: predictedThrough, through: lastBarTime, horizon: prediction.horizon }).then(
      (result) => {
        predictedThrough = result.predictedThrough;
        predicting = false;
        predictBacklog();
      },
      // Only a non-retryable failure lands here; the next batch tries again.
      () => (predicting = false),
    );
  };

  setHandler(barsSignal, (batch) => {
    pending.push(batch);
  });
  setHandler(progressQuery, () => ({ ticker, interval, lastBarTime, pendingBatches: pending.length, processing, predictedThrough, predicting, ...stats }));

  predictBacklog();
  for (;;) {
    await condition(() => pending.length > 0);
    processing = true;
    const batches = takeBatches(pending, options.maxBarsPerActivity);
    const { fresh, duplicates } = selectNewBars(batches.flatMap((b) => b.bars), lastBarTime);
    if (fresh.length > 0) {
      const result = await processBars({ ticker, interval, previousBarTime: lastBarTime, bars: fresh });
      lastBarTime = result.lastBarTime;
      stats.barsStored += result.stored;
      predictBacklog();
    }
    stats.batches += batches.length;
    stats.duplicatesSkipped += duplicates;
    batchesThisRun += batches.length;
    processing = false;

    if (batchesThisRun >= options.batchesPerRun || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      // An in-flight prediction is abandoned; the next run redoes it from the watermark (idempotent writes).
      await continueAsNew<typeof tickerWorkflow>({ ticker, interval, options, lastBarTime, pending, stats, predictedThrough });
    }
  }
}
