import { continueAsNew, defineQuery, proxyActivities, setHandler } from '@temporalio/workflow';
import type { IngestActivities, ShardCheckpoint, ShardReaderInput } from './contracts';

/** Reads per run before continueAsNew: ~6 history events each keeps a run far below 10K events. */
const READS_PER_RUN = 100;

export const checkpointQuery = defineQuery<ShardCheckpoint>('checkpoint');

const { readShard } = proxyActivities<IngestActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * One reader per shard. Its checkpoint (the last sequence number handed to ticker workflows)
 * lives in this workflow's state, so it is as durable as Temporal itself, and the single
 * running workflow per id is the shard's lease. A read that fails half-way is retried from
 * the same checkpoint; ticker workflows drop the bars they already have.
 */
export async function shardReaderWorkflow(input: ShardReaderInput): Promise<void> {
  const checkpoint: ShardCheckpoint = { shardId: input.shardId, afterSequence: input.afterSequence, recordsRead: 0, deadLettered: 0, millisBehindLatest: 0 };
  setHandler(checkpointQuery, () => checkpoint);

  for (let read = 0; read < READS_PER_RUN; read++) {
    const result = await readShard({ streamName: input.streamName, shardId: input.shardId, afterSequence: checkpoint.afterSequence });
    checkpoint.afterSequence = result.afterSequence;
    checkpoint.recordsRead += result.records;
    checkpoint.deadLettered += result.deadLettered;
    checkpoint.millisBehindLatest = result.millisBehindLatest;
    if (result.shardClosed) return;
  }
  await continueAsNew<typeof shardReaderWorkflow>({ ...input, afterSequence: checkpoint.afterSequence });
}
