import {
  ActivityFailure, allHandlersFinished, ApplicationFailure, condition, continueAsNew, defineQuery, defineSignal, defineUpdate, proxyActivities,
  setHandler, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import { selectNewBars, takeBatches, type BarBatch } from '../domain/ingest-batch';
import { BATCH_FAILED, type FailedBatch, type IngestActivities, type ReplayRangeRequest, type ReplayRangeResult, type TickerProgress, type TickerWorkflowInput } from './contracts';
import { BATCH_STATUS } from './search-attributes';

export const barsSignal = defineSignal<[BarBatch]>('bars');
export const progressQuery = defineQuery<TickerProgress>('progress');
/** Offboarding: finish what was received, then end (the data stays). */
export const stopSignal = defineSignal('stop');
/** Reads the failed batch (named by any of its ids) again from the stream and resumes the ticker with it. */
export const replayFailedBatchUpdate = defineUpdate<{ batchIds: string[]; bars: number }, [string]>('replayFailedBatch');
/** Recomputes the stored series from `from` on, from the stream; answers when done. */
export const replayRangeUpdate = defineUpdate<ReplayRangeResult, [ReplayRangeRequest]>('replayRange');

const { processBars } = proxyActivities<IngestActivities>({
  startToCloseTimeout: '30 seconds',
  // A worker that dies mid-batch is noticed after this, not after the whole timeout.
  heartbeatTimeout: '10 seconds',
  // Outages are retried until they end: a batch is never dropped. Errors that cannot pass fail the batch (BatchFailed).
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

// Asked for by a user waiting on an answer: a few attempts, then the error goes back to them.
const { readBatches, replayRange } = proxyActivities<IngestActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 5 },
});

const failureOf = (error: unknown): string | undefined =>
  error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === BATCH_FAILED ? error.cause.message : undefined;

/**
 * The entity workflow of one ticker and interval: receives that series' batches in stream
 * order and processes them one at a time, so bars and indicators are computed in order.
 * Predictions never get in its way: while they are caught up, each batch's activity predicts
 * its own bars; otherwise one predict activity at a time runs beside it and covers every
 * stored bar not yet predicted, and while the endpoint is down or has no model it is retried
 * (server-side, no history growth) while bars keep being stored. A batch that fails for good
 * halts the ticker (BatchStatus=Failed): later batches are held, in order, until the failed one
 * is replayed. Continues as new before its history grows large, carrying unprocessed batches,
 * the failure and the prediction watermark along.
 */
export async function tickerWorkflow(input: TickerWorkflowInput): Promise<void> {
  const { ticker, interval, options } = input;
  const pending: BarBatch[] = [...(input.pending ?? [])];
  let lastBarTime = input.lastBarTime ?? null;
  let lastSeq = input.lastSeq ?? null;
  let predictedThrough = input.predictedThrough ?? null;
  let failure: FailedBatch | null = input.failure ?? null;
  const stats = { batches: 0, barsStored: 0, duplicatesSkipped: 0, redelivered: 0, ...input.stats };
  const replays: Array<{ request: ReplayRangeRequest; outcome?: ReplayRangeResult | { error: string } }> = [];
  let batchesThisRun = 0;
  let processing = false;
  let predicting = false;
  let replayingFailure = false;
  let stopping = false;

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
  setHandler(stopSignal, () => {
    stopping = true;
  });
  setHandler(progressQuery, () => ({ ticker, interval, lastBarTime, pendingBatches: pending.length, processing, predictedThrough, predicting, failure, ...stats }));
  setHandler(
    replayFailedBatchUpdate,
    async (batchId) => {
      const failed = failure!;
      replayingFailure = true;
      try {
        const batches = await readBatches({ ticker, interval, batchIds: failed.batchIds });
        pending.unshift(...batches);
        failure = null;
        upsertSearchAttributes([{ key: BATCH_STATUS, value: 'Ok' }]);
        return { batchIds: failed.batchIds, bars: batches.reduce((n, b) => n + b.bars.length, 0) };
      } catch (error) {
        throw ApplicationFailure.create({ message: `could not read batch ${batchId} again: ${failureOf(error) ?? (error as Error).message}`, nonRetryable: true });
      } finally {
        replayingFailure = false;
      }
    },
    {
      validator: (batchId) => {
        if (!failure) throw new Error(`${ticker} ${interval} has no failed batch`);
        if (!failure.batchIds.includes(batchId)) throw new Error(`${ticker} ${interval} is halted on batch ${failure.batchIds.join(', ')}, not ${batchId}`);
        if (replayingFailure) throw new Error(`batch ${batchId} is already being replayed`);
      },
    },
  );
  setHandler(
    replayRangeUpdate,
    async (request) => {
      const job: (typeof replays)[number] = { request };
      replays.push(job);
      await condition(() => job.outcome !== undefined);
      const outcome = job.outcome!;
      if ('error' in outcome) throw ApplicationFailure.create({ message: outcome.error, nonRetryable: true });
      return outcome;
    },
    {
      validator: ({ from, to }) => {
        if (failure) throw new Error(`${ticker} ${interval} is halted on failed batch ${failure.batchIds.join(', ')}: replay that batch first`);
        if (lastBarTime === null) throw new Error(`${ticker} ${interval} has no stored bars to replay`);
        if (!(Number.isFinite(from) && Number.isFinite(to) && from <= to)) throw new Error(`replay range needs from <= to (got ${from}, ${to})`);
      },
    },
  );

  const processNextBatches = async (): Promise<void> => {
    const batches = takeBatches(pending, options.maxBarsPerActivity);
    const selected = selectNewBars(batches.flatMap((b) => b.bars), lastBarTime, lastSeq);
    const { fresh } = selected;
    if (fresh.length > 0) {
      try {
        // Caught up on predictions: the batch's own activity predicts it too (one activity per batch, not two).
        const predictHorizon = prediction && !predicting && predictedThrough === lastBarTime ? prediction.horizon : undefined;
        const result = await processBars({ ticker, interval, previousBarTime: lastBarTime, bars: fresh, ...(predictHorizon === undefined ? {} : { predictHorizon }) });
        lastBarTime = result.lastBarTime;
        stats.barsStored += result.stored;
        if (result.predictedThrough !== undefined) predictedThrough = result.predictedThrough;
        predictBacklog();
      } catch (error) {
        const reason = failureOf(error);
        if (reason === undefined) throw error;
        failure = { batchIds: batches.map((b) => b.batchId), bars: fresh.length, firstBarTime: fresh[0]!.t, lastBarTime: fresh[fresh.length - 1]!.t, reason, failedAt: Date.now() };
        upsertSearchAttributes([{ key: BATCH_STATUS, value: 'Failed' }]);
        return;
      }
    }
    lastSeq = selected.lastSeq;
    stats.batches += batches.length;
    stats.duplicatesSkipped += selected.duplicates;
    stats.redelivered += selected.redelivered;
    batchesThisRun += batches.length;
  };

  const runReplay = async (job: (typeof replays)[number]): Promise<void> => {
    try {
      const result = await replayRange({ ticker, interval, ...job.request, through: lastBarTime! });
      // Bars from the first replayed one on may have changed: predict them again.
      if (result.firstBarTime !== null && predictedThrough !== null && predictedThrough >= result.firstBarTime) predictedThrough = result.firstBarTime - 1;
      job.outcome = result;
      predictBacklog();
    } catch (error) {
      job.outcome = { error: failureOf(error) ?? (error as Error).message };
    }
  };

  predictBacklog();
  for (;;) {
    const drained = () => replays.length === 0 && (failure !== null || pending.length === 0);
    await condition(() => !drained() || stopping || workflowInfo().continueAsNewSuggested);
    processing = true;
    if (replays.length > 0) await runReplay(replays.shift()!);
    else if (failure === null && pending.length > 0) await processNextBatches();
    processing = false;
    if (stopping && drained()) {
      // An in-flight prediction is abandoned, as at continueAsNew; onboarding again redoes it from the stored bars.
      await condition(allHandlersFinished);
      return;
    }

    if ((batchesThisRun >= options.batchesPerRun || workflowInfo().continueAsNewSuggested) && replays.length === 0) {
      await condition(allHandlersFinished);
      // An in-flight prediction is abandoned; the next run redoes it from the watermark (idempotent writes).
      await continueAsNew<typeof tickerWorkflow>({ ticker, interval, options, lastBarTime, lastSeq, pending, stats, predictedThrough, failure });
    }
  }
}
