import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { takeBatches } from '../domain/ingest-batch';
import {
  BATCH_FAILED,
  type IngestActivities,
  type ReplayRangeRequest,
  type ReplayRangeResult,
  type TickerProgress,
  type TickerRunOptions,
  type TickerWorkflowInput,
} from './ingest-contracts';
import {
  failureOf,
  forgetSeries,
  initialTickerState,
  mayHandBack,
  receiveForwarded,
  recordProcessed,
  type FailedBatch,
  type TickerMode,
  type TickerState,
} from '../domain/ticker-state';
import { barsSignal, handBackSignal, handedBackSignal, handedOverSignal, handOverSignal } from './handoff-signals';
import { BATCH_STATUS, TICKER_MODE } from './search-attributes';

export const progressQuery = defineQuery<TickerProgress>('progress');
/** Offboarding: finish what was received, then end (the data stays). */
export const stopSignal = defineSignal('stop');
/** Reads the failed batch (named by any of its ids) again from the stream and resumes the ticker with it. */
export const replayFailedBatchUpdate = defineUpdate<{ batchIds: string[]; bars: number }, [string]>(
  'replayFailedBatch',
);
/** Recomputes the stored series from `from` on, from the stream; answers when done. `reader`: the ticker's shard reader. */
export const replayRangeUpdate = defineUpdate<ReplayRangeResult, [ReplayRangeRequest & { reader: string }]>(
  'replayRange',
);
/** Follow the ticker batch by batch in this workflow (on), or give it back to the fast path (off). */
export const watchUpdate = defineUpdate<TickerProgress, [{ on: boolean; reader: string }]>('watch');

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

const { tickerRunOptions } = proxyLocalActivities<IngestActivities>({ startToCloseTimeout: '10 seconds' });

/** Runs from this change on read their options from the workers' configuration; older runs carried them in their input. */
const OPTIONS_FROM_CONFIG = 'ticker-options-from-config';

const batchFailureOf = (error: unknown): string | undefined =>
  error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === BATCH_FAILED
    ? error.cause.message
    : undefined;

/**
 * The entity workflow of one ticker and interval: its lifecycle, while the shard reader's
 * data plane does the bars. It owns the ticker's records only in workflow mode: handed over
 * when the fast path failed a batch for good (the ticker halts, BatchStatus=Failed, until the
 * batch is replayed), while a user watches it, and for a range replay. In workflow mode it
 * processes the forwarded batches one at a time, in order, through the same data plane; once
 * caught up (and not watched, not halted) it hands the ticker back with the sequence number it
 * processed through. Continues as new before its history grows large, carrying its state.
 */
export async function tickerWorkflow(input: TickerWorkflowInput): Promise<void> {
  const { ticker, interval } = input;
  const s: TickerState = input.state ?? initialTickerState();
  // Read after the handlers are set (below), before the loop; only the loop's work uses them.
  let options!: TickerRunOptions;
  const replays: Array<{ request: ReplayRangeRequest; outcome?: ReplayRangeResult | { error: string } }> = [];
  let batchesThisRun = 0;
  let processing = false;
  let predicting = false;
  let replayingFailure = false;
  let stopping = false;

  let prediction: TickerRunOptions['prediction'];
  let predictBars!: IngestActivities['predictBars'];
  const useOptions = (current: TickerRunOptions): void => {
    options = current;
    prediction = current.prediction?.interval === interval ? current.prediction : undefined;
    ({ predictBars } = proxyActivities<IngestActivities>({
      startToCloseTimeout: '1 minute',
      retry: {
        initialInterval: '1 second',
        backoffCoefficient: 2,
        maximumInterval: `${prediction?.retryMaxSeconds ?? 60} seconds`,
      },
    }));
  };
  const predictBacklog = (): void => {
    if (
      !prediction ||
      predicting ||
      s.lastBarTime === null ||
      (s.predictedThrough !== null && s.predictedThrough >= s.lastBarTime)
    )
      return;
    predicting = true;
    predictBars({
      ticker,
      interval,
      after: s.predictedThrough,
      through: s.lastBarTime,
      horizon: prediction.horizon,
    }).then(
      (result) => {
        s.predictedThrough = result.predictedThrough;
        predicting = false;
        predictBacklog();
      },
      // Only a non-retryable failure lands here; the next batch tries again.
      () => (predicting = false),
    );
  };

  const setMode = (mode: TickerMode): void => {
    s.mode = mode;
    upsertSearchAttributes([{ key: TICKER_MODE, value: mode }]);
  };
  const setFailure = (failure: FailedBatch | null): void => {
    s.failure = failure;
    upsertSearchAttributes([{ key: BATCH_STATUS, value: failure ? 'Failed' : 'Ok' }]);
  };
  const wantsRecords = () => s.watched || replays.length > 0;
  const askHandOver = async (): Promise<void> => {
    if (s.mode !== 'fast' || s.reader === null) return;
    setMode('handingOver');
    try {
      await getExternalWorkflowHandle(s.reader).signal(handOverSignal, { ticker, interval });
    } catch (error) {
      // The reader finished (its shard was resharded): the next watch or replay names the current one.
      setMode('fast');
      s.reader = null;
      throw error;
    }
  };
  const progress = (): TickerProgress => ({
    ticker,
    interval,
    mode: s.mode,
    watched: s.watched,
    reader: s.reader,
    lastBarTime: s.lastBarTime,
    pendingBatches: s.pending.length,
    processing,
    predictedThrough: s.predictedThrough,
    predicting,
    failure: s.failure,
    ...s.stats,
  });

  setHandler(barsSignal, (forwarded) => {
    const { enteredWorkflowMode, failure } = receiveForwarded(s, forwarded, Date.now());
    if (enteredWorkflowMode) setMode('workflow');
    if (failure) setFailure(failure);
  });
  setHandler(handedOverSignal, ({ reader }) => {
    s.reader = reader;
    if (s.mode === 'workflow') return; // asked twice
    forgetSeries(s);
    setMode('workflow');
  });
  setHandler(handedBackSignal, () => {
    forgetSeries(s);
    setMode('fast');
  });
  setHandler(stopSignal, () => {
    stopping = true;
  });
  setHandler(progressQuery, progress);
  setHandler(watchUpdate, async ({ on, reader }) => {
    s.watched = on;
    // On the fast path the caller knows the ticker's reader now; in workflow mode the forwarding one is.
    if (s.mode === 'fast') s.reader = reader;
    if (on) await askHandOver();
    return progress();
  });
  setHandler(
    replayFailedBatchUpdate,
    async (batchId) => {
      const failed = s.failure!;
      replayingFailure = true;
      try {
        const batches = await readBatches({ ticker, interval, batchIds: failed.batchIds });
        s.pending.unshift(...batches);
        setFailure(null);
        return { batchIds: failed.batchIds, bars: batches.reduce((n, b) => n + b.bars.length, 0) };
      } catch (error) {
        throw ApplicationFailure.create({
          message: `could not read batch ${batchId} again: ${batchFailureOf(error) ?? (error as Error).message}`,
          nonRetryable: true,
        });
      } finally {
        replayingFailure = false;
      }
    },
    {
      validator: (batchId) => {
        if (!s.failure) throw new Error(`${ticker} ${interval} has no failed batch`);
        if (!s.failure.batchIds.includes(batchId))
          throw new Error(`${ticker} ${interval} is halted on batch ${s.failure.batchIds.join(', ')}, not ${batchId}`);
        if (replayingFailure) throw new Error(`batch ${batchId} is already being replayed`);
      },
    },
  );
  setHandler(
    replayRangeUpdate,
    async ({ reader, ...request }) => {
      const job: (typeof replays)[number] = { request };
      replays.push(job);
      if (s.mode === 'fast') s.reader = reader;
      // The series is rewritten: the fast path must not write it meanwhile.
      await askHandOver().catch((error: unknown) => {
        replays.splice(replays.indexOf(job), 1);
        throw error;
      });
      await condition(() => job.outcome !== undefined);
      const outcome = job.outcome!;
      if ('error' in outcome) throw ApplicationFailure.create({ message: outcome.error, nonRetryable: true });
      return outcome;
    },
    {
      validator: ({ from, to }) => {
        if (s.failure)
          throw new Error(
            `${ticker} ${interval} is halted on failed batch ${s.failure.batchIds.join(', ')}: replay that batch first`,
          );
        if (!(Number.isFinite(from) && Number.isFinite(to) && from <= to))
          throw new Error(`replay range needs from <= to (got ${from}, ${to})`);
      },
    },
  );

  const processNextBatches = async (): Promise<void> => {
    const batches = takeBatches(s.pending, options.maxBarsPerActivity);
    const bars = batches.flatMap((b) => b.bars);
    try {
      recordProcessed(s, batches.length, await processBars({ ticker, interval, previousBarTime: s.lastBarTime, bars }));
      predictBacklog();
    } catch (error) {
      const reason = batchFailureOf(error);
      if (reason === undefined) throw error;
      setFailure(failureOf(batches, reason, Date.now()));
      return;
    }
    batchesThisRun += batches.length;
  };

  const runReplay = async (job: (typeof replays)[number]): Promise<void> => {
    try {
      const result = await replayRange({ ticker, interval, ...job.request });
      // Bars from the first replayed one on may have changed: predict them again.
      if (result.firstBarTime !== null && s.predictedThrough !== null && s.predictedThrough >= result.firstBarTime)
        s.predictedThrough = result.firstBarTime - 1;
      job.outcome = result;
      predictBacklog();
    } catch (error) {
      job.outcome = { error: batchFailureOf(error) ?? (error as Error).message };
    }
  };

  const handBackDue = () => mayHandBack(s, { wantsRecords: wantsRecords(), replayingFailure });
  const handBack = async (): Promise<void> => {
    s.handBackAsked = { throughSeq: s.lastReceivedSeq };
    await getExternalWorkflowHandle(s.reader!)
      .signal(handBackSignal, { ticker, interval, throughSeq: s.lastReceivedSeq })
      .catch(() => {
        // Its reader finished (its shard was resharded): the child shard's reader names itself with the next batch.
        s.reader = null;
      });
  };

  useOptions(patched(OPTIONS_FROM_CONFIG) ? await tickerRunOptions() : input.options!);
  predictBacklog();
  for (;;) {
    const work = () => (s.mode === 'workflow' && replays.length > 0) || (!s.failure && s.pending.length > 0);
    const handOverDue = () => s.mode === 'fast' && s.reader !== null && wantsRecords();
    await condition(
      () => work() || handBackDue() || handOverDue() || stopping || workflowInfo().continueAsNewSuggested,
    );
    processing = true;
    if (s.mode === 'workflow' && replays.length > 0) await runReplay(replays.shift()!);
    else if (!s.failure && s.pending.length > 0) await processNextBatches();
    else if (handOverDue()) await askHandOver().catch(() => undefined);
    else if (handBackDue()) await handBack();
    processing = false;
    if (stopping && replays.length === 0 && (s.failure !== null || s.pending.length === 0)) {
      // An in-flight prediction is abandoned, as at continueAsNew; onboarding again redoes it from the stored bars.
      await condition(allHandlersFinished);
      return;
    }
    if ((batchesThisRun >= options.batchesPerRun || workflowInfo().continueAsNewSuggested) && replays.length === 0) {
      await condition(allHandlersFinished);
      // An in-flight prediction is abandoned; the next run redoes it from the watermark (idempotent writes).
      await continueAsNew<typeof tickerWorkflow>({ ticker, interval, state: s });
    }
  }
}
