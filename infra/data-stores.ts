import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KinesisStream } from '@cdktf/provider-aws/lib/kinesis-stream';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { tableNames } from '../config/config';
import { tableDefinitions } from '../store/schema';
import type { StackContext } from './stack-context';

/** The stream, the tables (the definitions the local stack creates), the bucket and the two topics, all under `key`. */
export function dataStores(ctx: StackContext, key: KmsKey) {
  const { scope, settings, names, name } = ctx;
  const stream = new KinesisStream(scope, 'stream', {
    name: names.stream,
    shardCount: settings.shards,
    retentionPeriod: 24,
    encryptionType: 'KMS',
    kmsKeyId: key.arn,
    streamModeDetails: { streamMode: 'PROVISIONED' },
  });

  const appTables = tableNames(names.tablePrefix);
  for (const definition of tableDefinitions(appTables)) {
    const hashKey = definition.KeySchema!.find((k) => k.KeyType === 'HASH')!.AttributeName!;
    const rangeKey = definition.KeySchema!.find((k) => k.KeyType === 'RANGE')?.AttributeName;
    new DynamodbTable(scope, `table-${definition.TableName}`, {
      name: definition.TableName!,
      billingMode: 'PAY_PER_REQUEST',
      hashKey,
      ...(rangeKey ? { rangeKey } : {}),
      attribute: definition.AttributeDefinitions!.map((a) => ({ name: a.AttributeName!, type: a.AttributeType! })),
      serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: true,
    });
  }

  const bucket = new S3Bucket(scope, 'bucket', { bucketPrefix: names.bucketPrefix });
  new S3BucketPublicAccessBlock(scope, 'bucket-public-access', {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketVersioningA(scope, 'bucket-versioning', {
    bucket: bucket.id,
    versioningConfiguration: { status: 'Enabled' },
  });
  new S3BucketServerSideEncryptionConfigurationA(scope, 'bucket-encryption', {
    bucket: bucket.id,
    rule: [
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.arn },
        bucketKeyEnabled: true,
      },
    ],
  });
  new S3BucketLifecycleConfiguration(scope, 'bucket-lifecycle', {
    bucket: bucket.id,
    rule: [
      {
        id: 'expire-old-versions',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
      },
      {
        id: 'abort-incomplete-uploads',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
      },
    ],
  });

  const alertsTopic = new SnsTopic(scope, 'alerts', { name: names.alertsTopic, kmsMasterKeyId: key.arn });
  const alarmsTopic = new SnsTopic(scope, 'alarms', { name: name('alarms'), kmsMasterKeyId: key.arn });
  if (settings.alarmEmail)
    new SnsTopicSubscription(scope, 'alarms-email', {
      topicArn: alarmsTopic.arn,
      protocol: 'email',
      endpoint: settings.alarmEmail,
    });
  return { stream, appTables, bucket, alertsTopic, alarmsTopic };
}
