import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { listShards } from '../clients/kinesis-shards';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type Client,
} from '@temporalio/client';
import type { TickflowConfig } from '../config/config';
import { shardReaderWorkflow } from '../workflows/shard-reader';
import { SHARD_ID } from '../workflows/search-attributes';
import { shardReaderWorkflowId } from '../workflows/workflow-ids';

class StreamMissingError extends Error {
  override name = 'StreamMissingError';
}

/**
 * Ensures one reader workflow per shard: a running reader is left as it is, a finished one (its
 * shard closed and read to the end) is not started again, and a shard created by a reshard gets
 * a reader that first waits for its parents' readers to finish, so each ticker stays in order.
 * Shards in `ensured` are skipped and the ones ensured now added, so a periodic check starts only new ones.
 */
export async function ensureShardReaders(
  config: TickflowConfig,
  kinesis: KinesisClient,
  temporal: Client,
  ensured = new Set<string>(),
): Promise<string[]> {
  const shards = await listShards(kinesis, config.stream.name).catch((error: Error) => {
    if (error.name !== 'ResourceNotFoundException') throw error;
    throw new StreamMissingError(
      `Kinesis stream ${config.stream.name} does not exist: ${config.stack === 'local' ? 'run `tickflow stack up`' : 'deploy it with infra/ or set TICKFLOW_STREAM'}`,
    );
  });
  const known = new Set(shards.map((s) => s.ShardId));
  for (const shard of shards) {
    const shardId = shard.ShardId!;
    // Already ensured by this worker: its reader runs, or ran to the end.
    if (ensured.has(shardId)) continue;
    const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter(
      (p): p is string => p !== undefined && known.has(p),
    );
    await temporal.workflow
      .start(shardReaderWorkflow, {
        workflowId: shardReaderWorkflowId(config.stream.name, shardId),
        taskQueue: config.temporal.taskQueue,
        args: [{ streamName: config.stream.name, shardId, ...(parents.length > 0 ? { parents } : {}) }],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        // A reader that completed read its closed shard to the end; one that failed or was terminated is started again.
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        typedSearchAttributes: [{ key: SHARD_ID, value: shardId }],
      })
      .catch((error: unknown) => {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      });
    ensured.add(shardId);
  }
  return shards.filter((s) => !s.SequenceNumberRange?.EndingSequenceNumber).map((s) => s.ShardId!);
}
