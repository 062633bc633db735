import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  ResourceNotFoundException as KinesisNotFound,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException as TableNotFound,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import type { AwsClients } from '../clients/aws';
import type { TickflowConfig } from '../config/config';
import { tableDefinitions } from '../store/schema';

export interface BootstrapReport {
  stream: { name: string; shards: number; created: boolean };
  tables: Array<{ name: string; created: boolean }>;
  bucket: { name: string; created: boolean };
  topic: { arn: string };
}

/** Creates the stream, tables, bucket and topic the pipeline needs; leaves existing ones alone. */
export async function bootstrapResources(config: TickflowConfig, aws: AwsClients): Promise<BootstrapReport> {
  const [stream, tables, bucket, topic] = await Promise.all([
    ensureStream(config, aws),
    Promise.all(
      tableDefinitions(config.tables).map(async (definition) => {
        try {
          await aws.dynamodb.send(new DescribeTableCommand({ TableName: definition.TableName }));
          return { name: definition.TableName!, created: false };
        } catch (error) {
          if (!(error instanceof TableNotFound)) throw error;
          await aws.dynamodb.send(new CreateTableCommand(definition));
          return { name: definition.TableName!, created: true };
        }
      }),
    ),
    (async () => {
      try {
        await aws.s3.send(new HeadBucketCommand({ Bucket: config.bucket }));
        return { name: config.bucket, created: false };
      } catch {
        await aws.s3.send(new CreateBucketCommand({ Bucket: config.bucket }));
        return { name: config.bucket, created: true };
      }
    })(),
    aws.sns.send(new CreateTopicCommand({ Name: config.alertsTopic })).then((r) => ({ arn: r.TopicArn ?? '' })),
  ]);
  return { stream, tables, bucket, topic };
}

async function ensureStream(config: TickflowConfig, aws: AwsClients): Promise<BootstrapReport['stream']> {
  const describe = () => aws.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: config.stream.name }));
  let created = false;
  try {
    await describe();
  } catch (error) {
    if (!(error instanceof KinesisNotFound)) throw error;
    await aws.kinesis.send(
      new CreateStreamCommand({ StreamName: config.stream.name, ShardCount: config.stream.shards }),
    );
    created = true;
  }
  return { name: config.stream.name, shards: await untilStreamActive(aws.kinesis, config.stream.name), created };
}

/** Waits (up to 10 s) until a stream just created is ACTIVE; answers its open shard count. */
export async function untilStreamActive(kinesis: KinesisClient, streamName: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const { StreamDescriptionSummary: summary } = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: streamName }),
    );
    if (summary?.StreamStatus === 'ACTIVE') return summary.OpenShardCount ?? 0;
    await sleep(100);
  }
  throw new Error(`stream ${streamName} did not become ACTIVE`);
}
