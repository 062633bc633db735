import { seriesKey } from '../domain/series-key';
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  HandBackRequest,
  HandOverRequest,
  IngestActivities,
  ShardCheckpoint,
  ShardPosition,
  ShardReaderInput,
  ShardRunSummary,
} from './ingest-contracts';
import { handBackSignal, handedBackSignal, handedOverSignal, handOverSignal } from './handoff-signals';
import { shardReaderWorkflowId, tickerWorkflowId } from './workflow-ids';

/** Activity runs per workflow run before continueAsNew: a few events each keeps a run far below 10K events. */
const RUNS_PER_WORKFLOW_RUN = 200;
/** How long a shard waits, stopped before a closing ticker's record, for that ticker's hand-back. */
const HAND_BACK_WAIT = '30 seconds';

export const checkpointQuery = defineQuery<ShardCheckpoint>('checkpoint');

const runShardOptions = {
  // Above TICKFLOW_SHARD_RUN_SECONDS (at most 10 min) plus a read's worth of work.
  startToCloseTimeout: '15 minutes',
  // A killed worker's shard is run again elsewhere this long after its last heartbeat.
  heartbeatTimeout: '10 seconds',
  // Outages are retried until they end, from the last heartbeat's position: nothing is dropped.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
} as const;
/** The Web UI shows each run's summary: where it starts and which tickers it does not process itself. */
const runShardFrom = (shardId: string, position: ShardPosition) => {
  const handedOver = Object.keys(position.workflowSeries);
  const summary = `${shardId} after ${position.afterSequence ?? 'the oldest record'}${handedOver.length > 0 ? `; workflow mode: ${handedOver.slice(0, 10).join(', ')}${handedOver.length > 10 ? ' …' : ''}` : ''}`;
  return proxyActivities<IngestActivities>({ ...runShardOptions, summary }).runShard;
};

const { awaitParentReaders } = proxyActivities<IngestActivities>({
  // A parent shard is read to its end first; that may take as long as its backlog.
  startToCloseTimeout: '1 day',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

const key = (r: HandOverRequest) => seriesKey(r.ticker, r.interval);
const tickerOf = (request: HandOverRequest) =>
  getExternalWorkflowHandle(tickerWorkflowId(request.ticker, request.interval));
// A ticker workflow that ended meanwhile (offboarded) has nothing to be told.
const ignoreEnded = () => undefined;

/**
 * One reader per shard: the shard's lease (one running workflow per id) and its durable
 * position. Each activity run reads on from the position and returns the new one; between
 * runs the reader applies hand-offs: a ticker asked for by its workflow goes to workflow mode
 * (its records are forwarded to it), and a ticker handed back returns to the fast path once
 * the workflow has processed everything forwarded to it, so each ticker is processed by
 * exactly one party at a time, in stream order.
 */
export async function shardReaderWorkflow(input: ShardReaderInput): Promise<void> {
  const { streamName, shardId } = input;
  const position: ShardPosition = input.position ?? {
    counters: { records: 0, deadLettered: 0, stored: 0, duplicates: 0, redelivered: 0, forwarded: 0, failedTickers: 0 },
    workflowSeries: {},
  };
  const handOvers: HandOverRequest[] = [...(input.handOvers ?? [])];
  const handBacks: HandBackRequest[] = [...(input.handBacks ?? [])];
  let millisBehindLatest = 0;
  let runs = 0;
  let lastRun: ShardRunSummary | null = null;
  const reader = workflowInfo().workflowId;

  setHandler(checkpointQuery, () => ({ shardId, ...position, millisBehindLatest, runs, lastRun }));
  setHandler(handOverSignal, (request) => void handOvers.push(request));
  setHandler(handBackSignal, (request) => void handBacks.push(request));

  const applyHandOffs = async (): Promise<void> => {
    for (const request of handOvers.splice(0)) {
      position.workflowSeries[key(request)] ??= { ...request, lastForwarded: null, closing: false };
      await tickerOf(request).signal(handedOverSignal, { reader }).catch(ignoreEnded);
    }
    for (const request of handBacks.splice(0)) {
      const series = position.workflowSeries[key(request)];
      if (series && series.lastForwarded !== request.throughSeq) {
        // More was forwarded since the ticker asked: it asks again once it has processed that,
        // and meanwhile the next run stops before the ticker's next record.
        series.closing = true;
        continue;
      }
      delete position.workflowSeries[key(request)];
      await tickerOf(request).signal(handedBackSignal).catch(ignoreEnded);
    }
  };

  if (input.parents && !input.position) {
    // After a reshard a ticker's older records are in the parent shard: they go first, and the
    // tickers the parents had in workflow mode stay there.
    position.workflowSeries = await awaitParentReaders({
      readerWorkflowIds: input.parents.map((p) => shardReaderWorkflowId(streamName, p)),
    });
  }
  while (runs < RUNS_PER_WORKFLOW_RUN && !workflowInfo().continueAsNewSuggested) {
    await applyHandOffs();
    const result = await runShardFrom(
      shardId,
      position,
    )({ streamName, shardId, readerWorkflowId: reader, ...position });
    lastRun = result.run;
    runs++;
    Object.assign(position, {
      afterSequence: result.afterSequence,
      counters: result.counters,
      workflowSeries: result.workflowSeries,
    });
    millisBehindLatest = result.millisBehindLatest;
    if (result.shardClosed) {
      // Requests that came in meanwhile still count: the child shards' readers inherit the outcome.
      await applyHandOffs();
      return;
    }
    if (result.stoppedFor !== undefined) {
      const stoppedFor = result.stoppedFor;
      await condition(() => handBacks.some((r) => key(r) === stoppedFor), HAND_BACK_WAIT);
      await applyHandOffs();
      // Not handed back in time: the ticker stays in workflow mode and the shard reads on.
      const series = position.workflowSeries[stoppedFor];
      if (series) series.closing = false;
    }
  }
  await condition(allHandlersFinished);
  await continueAsNew<typeof shardReaderWorkflow>({ streamName, shardId, position, handOvers, handBacks });
}
