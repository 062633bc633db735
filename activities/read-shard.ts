import { Context } from '@temporalio/activity';
import { GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-kinesis';
import { WorkflowIdConflictPolicy } from '@temporalio/client';
import { routeRecords, type SeriesBatch } from '../domain/route-records';
import type { ReadShardInput, ReadShardResult, TickerRunOptions } from '../workflows/contracts';
import type { TickflowConfig } from '../config/config';
import { barsSignal, tickerWorkflow } from '../workflows/ticker';
import { BAR_INTERVAL, TICKER, tickerWorkflowId } from '../workflows/search-attributes';
import type { IngestDeps } from './deps';
import { toStreamRecord } from './stream-history';

const SIGNAL_CONCURRENCY = 16;

/** Ticker workflows take their settings from the worker that starts them. */
function tickerRunOptions(config: TickflowConfig): TickerRunOptions {
  return {
    maxBarsPerActivity: config.ingest.maxBarsPerBatch,
    batchesPerRun: config.ingest.batchesPerRun,
    prediction: { interval: config.model.interval, horizon: config.model.horizon, retryMaxSeconds: config.model.predictRetryMaxSeconds },
  };
}

/**
 * Reads the next records of one shard (long-polling while it is empty), dead-letters the
 * invalid ones, and hands each ticker its batch by signal-with-start. Returns the new
 * checkpoint only after every batch was accepted by Temporal, so nothing read is lost.
 */
export function readShardActivity(deps: IngestDeps) {
  return async function readShard(input: ReadShardInput): Promise<ReadShardResult> {
    const { kinesis, config } = deps;
    const context = Context.current();
    const iterator = await kinesis.send(
      new GetShardIteratorCommand({
        StreamName: input.streamName,
        ShardId: input.shardId,
        ...(input.afterSequence
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: input.afterSequence }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    let shardIterator = iterator.ShardIterator;
    const deadline = Date.now() + config.ingest.longPollMs;
    const nothingNew = (shardClosed: boolean): ReadShardResult => {
      deps.metrics.shardRead(input.shardId, 0, 0);
      return { afterSequence: input.afterSequence, records: 0, deadLettered: 0, batches: 0, millisBehindLatest: 0, shardClosed };
    };

    while (shardIterator) {
      context.heartbeat();
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: shardIterator, Limit: config.ingest.readLimit }));
      const records = page.Records ?? [];
      if (records.length > 0) return deliver(deps, input, records, page.MillisBehindLatest ?? 0);
      shardIterator = page.NextShardIterator;
      if ((page.MillisBehindLatest ?? 0) > 0) continue; // an empty page, but data further on: read on at once
      if (Date.now() >= deadline) return nothingNew(!shardIterator);
      await context.sleep(config.ingest.pollIntervalMs);
    }
    return nothingNew(true);
  };
}

async function deliver(deps: IngestDeps, input: ReadShardInput, records: _Record[], millisBehindLatest: number): Promise<ReadShardResult> {
  const offboarded = await deps.offboarded.current();
  const { batches, rejected } = routeRecords(input.shardId, records.map(toStreamRecord), deps.config.ingest.maxBarsPerBatch, (ticker, interval) =>
    offboarded.has(`${ticker}#${interval}`) ? `${ticker} ${interval} is offboarded (tickflow onboard ${ticker} to take it back)` : undefined,
  );
  if (rejected.length > 0) {
    const source = `kinesis/${input.streamName}/${input.shardId}`;
    const now = new Date().toISOString();
    await deps.deadLetters.put(rejected.map((r) => ({ source, seq: r.seq, partitionKey: r.partitionKey, reason: r.reason, raw: r.raw, arrivedAt: new Date(r.arrivedAt).toISOString(), deadLetteredAt: now })));
  }
  await signalInOrder(deps, batches, tickerRunOptions(deps.config));
  deps.metrics.shardRead(input.shardId, millisBehindLatest, rejected.length);
  return {
    afterSequence: records[records.length - 1]!.SequenceNumber,
    records: records.length,
    deadLettered: rejected.length,
    batches: batches.length,
    millisBehindLatest,
    shardClosed: false,
  };
}

/** Series are signalled concurrently; one series' batches strictly one after another, in order. */
async function signalInOrder(deps: IngestDeps, batches: SeriesBatch[], options: TickerRunOptions): Promise<void> {
  const bySeries = new Map<string, SeriesBatch[]>();
  for (const b of batches) {
    const key = `${b.ticker}#${b.interval}`;
    const queue = bySeries.get(key);
    if (queue) queue.push(b);
    else bySeries.set(key, [b]);
  }
  const queues = [...bySeries.values()];
  const worker = async () => {
    for (let queue = queues.shift(); queue; queue = queues.shift()) {
      for (const { ticker, interval, batch } of queue) {
        Context.current().heartbeat();
        await deps.temporal.workflow.signalWithStart(tickerWorkflow, {
          workflowId: tickerWorkflowId(ticker, interval),
          taskQueue: deps.config.temporal.taskQueue,
          args: [{ ticker, interval, options }],
          signal: barsSignal,
          signalArgs: [batch],
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
          typedSearchAttributes: [
            { key: TICKER, value: ticker },
            { key: BAR_INTERVAL, value: interval },
          ],
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(SIGNAL_CONCURRENCY, queues.length) }, worker));
}
