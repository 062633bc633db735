import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { listShards } from '../clients/kinesis-shards';
import { WorkflowIdConflictPolicy, type Client } from '@temporalio/client';
import type { TickflowConfig } from '../config/config';
import { shardReaderWorkflow } from '../workflows/shard-reader';
import { SHARD_ID, shardReaderWorkflowId } from '../workflows/search-attributes';

export class StreamMissingError extends Error {
  override name = 'StreamMissingError';
}

/** Ensures one reader workflow per open shard; an already running reader is left as it is. */
export async function ensureShardReaders(config: TickflowConfig, kinesis: KinesisClient, temporal: Client): Promise<string[]> {
  const shards = await listShards(kinesis, config.stream.name).catch((error: Error) => {
    if (error.name !== 'ResourceNotFoundException') throw error;
    throw new StreamMissingError(
      `Kinesis stream ${config.stream.name} does not exist: ${config.stack === 'local' ? 'run `tickflow stack up`' : 'deploy it with infra/ or set TICKFLOW_STREAM'}`,
    );
  });
  const shardIds = shards.filter((s) => !s.SequenceNumberRange?.EndingSequenceNumber && s.ShardId).map((s) => s.ShardId!);
  for (const shardId of shardIds) {
    await temporal.workflow.start(shardReaderWorkflow, {
      workflowId: shardReaderWorkflowId(config.stream.name, shardId),
      taskQueue: config.temporal.taskQueue,
      args: [{ streamName: config.stream.name, shardId }],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      typedSearchAttributes: [{ key: SHARD_ID, value: shardId }],
    });
  }
  return shardIds;
}
