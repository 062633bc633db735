import { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KinesisStream } from '@cdktf/provider-aws/lib/kinesis-stream';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { tableNames } from '../config/config';
import { tableDefinitions } from '../store/schema';
import { serviceRole, type Statement } from './iam';
import type { NetworkStack } from './network-stack';
import { useBackend } from './backend';
import { ApiService } from './api-service';
import { IngestAutoscaling } from './ingest-autoscaling';
import { EMF_METRIC } from '../observability/emf';
import type { InfraSettings } from './settings';

const KEY_ADMIN_AND_USE = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:PutKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:EnableKeyRotation',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:UpdateKeyDescription',
  'kms:CreateAlias',
  'kms:UpdateAlias',
  'kms:DeleteAlias',
  'kms:ListAliases',
  'kms:ListResourceTags',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:CreateGrant',
  'kms:ListGrants',
  'kms:RevokeGrant',
  'kms:RetireGrant',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
];

/** Names shared by the stack and the config mapping (infra/outputs.ts). */
const resourceNames = (env: string) => ({
  stream: `${env}-market-data`,
  tablePrefix: env,
  bucketPrefix: `${env}-data-`,
  alertsTopic: `${env}-alerts`,
  cluster: env,
  taskQueue: 'tickflow-ingest',
  endpoint: `${env}-predictor`,
});

/**
 * Everything tickflow runs on: one KMS key for all data at rest, the Kinesis stream, the
 * DynamoDB tables (the same definitions the local stack creates), the S3 bucket, SNS topics,
 * ECR repositories, the ECS cluster on Fargate + Fargate Spot with the ingest worker service
 * and a producer task, least-privilege roles, log groups and alarms.
 */
export class ServicesStack extends TerraformStack {
  constructor(scope: Construct, id: string, settings: InfraSettings, network: NetworkStack) {
    super(scope, id);
    const names = resourceNames(settings.env);
    const name = (suffix: string) => `${settings.env}-${suffix}`;
    useBackend(this, id, settings);
    new AwsProvider(this, 'aws', {
      region: settings.region,
      defaultTags: [{ tags: { Project: 'tickflow', Environment: settings.env } }],
    });
    const account = new DataAwsCallerIdentity(this, 'account');
    const logsPrincipal = `logs.${settings.region}.amazonaws.com`;

    // --- encryption -----------------------------------------------------------------------
    const key = new KmsKey(this, 'key', {
      description: `${settings.env}: tickflow data at rest`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          // The account administers the key and delegates its use to IAM policies, which grant the
          // roles below only what they use. In a key policy "*" as resource means this key.
          {
            Sid: 'AccountAdministersAndDelegates',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${account.accountId}:root` },
            Action: KEY_ADMIN_AND_USE,
            Resource: '*',
          },
          {
            Sid: 'CloudWatchLogsEncrypts',
            Effect: 'Allow',
            Principal: { Service: logsPrincipal },
            Action: [
              'kms:Encrypt',
              'kms:Decrypt',
              'kms:ReEncryptFrom',
              'kms:ReEncryptTo',
              'kms:GenerateDataKey',
              'kms:GenerateDataKeyWithoutPlaintext',
              'kms:DescribeKey',
            ],
            Resource: '*',
            Condition: {
              ArnLike: {
                'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${settings.region}:${account.accountId}:log-group:/${settings.env}/*`,
              },
            },
          },
          {
            Sid: 'AlarmsPublishToEncryptedTopic',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: '*',
          },
        ],
      }),
    });
    new KmsAlias(this, 'key-alias', { name: `alias/${settings.env}`, targetKeyId: key.keyId });

    // --- data -----------------------------------------------------------------------------
    const stream = new KinesisStream(this, 'stream', {
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
      new DynamodbTable(this, `table-${definition.TableName}`, {
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

    const bucket = new S3Bucket(this, 'bucket', { bucketPrefix: names.bucketPrefix });
    new S3BucketPublicAccessBlock(this, 'bucket-public-access', {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketVersioningA(this, 'bucket-versioning', {
      bucket: bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'bucket-encryption', {
      bucket: bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.arn },
          bucketKeyEnabled: true,
        },
      ],
    });
    new S3BucketLifecycleConfiguration(this, 'bucket-lifecycle', {
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

    const alertsTopic = new SnsTopic(this, 'alerts', { name: names.alertsTopic, kmsMasterKeyId: key.arn });
    const alarmsTopic = new SnsTopic(this, 'alarms', { name: name('alarms'), kmsMasterKeyId: key.arn });
    if (settings.alarmEmail)
      new SnsTopicSubscription(this, 'alarms-email', {
        topicArn: alarmsTopic.arn,
        protocol: 'email',
        endpoint: settings.alarmEmail,
      });

    // --- images, secrets, logs ------------------------------------------------------------
    const repository = (id: string) =>
      new EcrRepository(this, `repo-${id}`, {
        name: name(id),
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: [{ encryptionType: 'KMS', kmsKey: key.arn }],
      });
    const appRepo = repository('app');
    const modelRepo = repository('model');

    // Temporal connection (address, namespace, mTLS cert and key): values are put by the operator,
    // never into Terraform state. See README, Deploying to AWS.
    const temporalSecret = new SecretsmanagerSecret(this, 'temporal', {
      name: name('temporal'),
      kmsKeyId: key.arn,
      description: 'Temporal connection: JSON {address, namespace, tlsCert, tlsKey}',
    });

    const logGroup = (service: string) =>
      new CloudwatchLogGroup(this, `logs-${service}`, {
        name: `/${settings.env}/${service}`,
        retentionInDays: settings.logRetentionDays,
        kmsKeyId: key.arn,
      });
    const ingestLogs = logGroup('ingest-worker');
    const trainingLogs = logGroup('training-worker');
    const producerLogs = logGroup('producer');

    // --- roles ----------------------------------------------------------------------------
    const kmsUse = (sid: string, actions: string[]): Statement => ({
      Sid: sid,
      Effect: 'Allow',
      Action: actions,
      Resource: [key.arn],
    });
    const tableArn = (table: string) => `arn:aws:dynamodb:${settings.region}:${account.accountId}:table/${table}`;

    const executionRole = serviceRole(this, 'execution-role', name('task-execution'), 'ecs-tasks.amazonaws.com', [
      { Sid: 'EcrLogin', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] },
      {
        Sid: 'PullAppImage',
        Effect: 'Allow',
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
        Resource: [appRepo.arn],
      },
      {
        Sid: 'WriteLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [ingestLogs, trainingLogs, producerLogs].map((g) => `${g.arn}:*`),
      },
      {
        Sid: 'ReadTemporalSecret',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: [temporalSecret.arn],
      },
      kmsUse('DecryptImagesAndSecret', ['kms:Decrypt']),
    ]);

    const sagemakerArn = (type: string, resource: string) =>
      `arn:aws:sagemaker:${settings.region}:${account.accountId}:${type}/${resource}`;
    const endpointArn = sagemakerArn('endpoint', names.endpoint);
    const ingestRole = serviceRole(this, 'ingest-role', name('ingest-worker'), 'ecs-tasks.amazonaws.com', [
      {
        Sid: 'ReadStream',
        Effect: 'Allow',
        Action: [
          'kinesis:ListShards',
          'kinesis:DescribeStreamSummary',
          'kinesis:GetShardIterator',
          'kinesis:GetRecords',
        ],
        Resource: [stream.arn],
      },
      {
        Sid: 'ReadWriteTables',
        Effect: 'Allow',
        Action: [
          'dynamodb:BatchWriteItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:GetItem',
          'dynamodb:Query',
          'dynamodb:Scan',
          'dynamodb:DescribeTable',
        ],
        Resource: [
          appTables.bars,
          appTables.deadLetters,
          appTables.tickers,
          appTables.predictions,
          appTables.alerts,
        ].map(tableArn),
      },
      { Sid: 'ReadAlertRules', Effect: 'Allow', Action: ['dynamodb:Scan'], Resource: [tableArn(appTables.alertRules)] },
      { Sid: 'PublishAlerts', Effect: 'Allow', Action: ['sns:Publish'], Resource: [alertsTopic.arn] },
      { Sid: 'Predict', Effect: 'Allow', Action: ['sagemaker:InvokeEndpoint'], Resource: [endpointArn] },
      kmsUse('EncryptedData', ['kms:Decrypt', 'kms:GenerateDataKey']),
    ]);

    const producerRole = serviceRole(this, 'producer-role', name('producer'), 'ecs-tasks.amazonaws.com', [
      {
        Sid: 'WriteStream',
        Effect: 'Allow',
        Action: ['kinesis:PutRecords', 'kinesis:PutRecord', 'kinesis:DescribeStreamSummary'],
        Resource: [stream.arn],
      },
      kmsUse('EncryptRecords', ['kms:GenerateDataKey']),
    ]);

    const sagemakerRole = serviceRole(this, 'sagemaker-role', name('sagemaker'), 'sagemaker.amazonaws.com', [
      {
        Sid: 'ListTrainingData',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [bucket.arn],
        Condition: { StringLike: { 's3:prefix': ['datasets/*', 'models/*'] } },
      },
      {
        Sid: 'ReadDatasetsWriteModels',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: [`${bucket.arn}/datasets/*`, `${bucket.arn}/models/*`],
      },
      { Sid: 'EcrLogin', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] },
      {
        Sid: 'PullModelImage',
        Effect: 'Allow',
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
        Resource: [modelRepo.arn],
      },
      {
        Sid: 'SageMakerLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: [`arn:aws:logs:${settings.region}:${account.accountId}:log-group:/aws/sagemaker/*`],
      },
      {
        Sid: 'Metrics',
        Effect: 'Allow',
        Action: ['cloudwatch:PutMetricData'],
        Resource: ['*'],
        Condition: { StringEquals: { 'cloudwatch:namespace': '/aws/sagemaker/TrainingJobs' } },
      },
      kmsUse('EncryptedArtifacts', ['kms:Decrypt', 'kms:GenerateDataKey']),
    ]);

    const trainingRole = serviceRole(this, 'training-role', name('training-worker'), 'ecs-tasks.amazonaws.com', [
      {
        Sid: 'ReadHistory',
        Effect: 'Allow',
        Action: ['dynamodb:Query', 'dynamodb:Scan', 'dynamodb:GetItem'],
        Resource: [tableArn(appTables.bars), tableArn(appTables.tickers)],
      },
      {
        Sid: 'ModelRegistry',
        Effect: 'Allow',
        Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem', 'dynamodb:Scan'],
        Resource: [tableArn(appTables.models)],
      },
      {
        Sid: 'ListTrainingData',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [bucket.arn],
        Condition: { StringLike: { 's3:prefix': ['datasets/*', 'models/*'] } },
      },
      {
        Sid: 'WriteDatasetsReadOutputs',
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:GetObject'],
        Resource: [`${bucket.arn}/datasets/*`],
      },
      { Sid: 'ReadTrainingOutputs', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${bucket.arn}/models/*`] },
      {
        Sid: 'TrainingJobs',
        Effect: 'Allow',
        Action: [
          'sagemaker:CreateTrainingJob',
          'sagemaker:DescribeTrainingJob',
          'sagemaker:StopTrainingJob',
          'sagemaker:AddTags',
        ],
        Resource: [sagemakerArn('training-job', 'tickflow-*')],
      },
      {
        Sid: 'Models',
        Effect: 'Allow',
        Action: ['sagemaker:CreateModel', 'sagemaker:DescribeModel'],
        Resource: [sagemakerArn('model', 'tickflow-*')],
      },
      {
        Sid: 'EndpointConfigs',
        Effect: 'Allow',
        Action: ['sagemaker:CreateEndpointConfig', 'sagemaker:DescribeEndpointConfig'],
        Resource: [sagemakerArn('endpoint-config', `${names.endpoint}-*`)],
      },
      {
        Sid: 'Endpoint',
        Effect: 'Allow',
        Action: [
          'sagemaker:CreateEndpoint',
          'sagemaker:UpdateEndpoint',
          'sagemaker:DescribeEndpoint',
          'sagemaker:InvokeEndpoint',
        ],
        Resource: [endpointArn, sagemakerArn('endpoint-config', `${names.endpoint}-*`)],
      },
      {
        Sid: 'PassSageMakerRole',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: [sagemakerRole.arn],
        Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      },
      kmsUse('EncryptedData', ['kms:Decrypt', 'kms:GenerateDataKey']),
    ]);

    // --- compute --------------------------------------------------------------------------
    const cluster = new EcsCluster(this, 'cluster', {
      name: names.cluster,
      setting: [{ name: 'containerInsights', value: 'enabled' }],
    });
    new EcsClusterCapacityProviders(this, 'capacity', {
      clusterName: cluster.name,
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      // Mostly Spot (about 70% cheaper); one on-demand task keeps ingestion alive through Spot reclaims.
      defaultCapacityProviderStrategy: [
        { capacityProvider: 'FARGATE', base: 1, weight: 1 },
        { capacityProvider: 'FARGATE_SPOT', weight: 4 },
      ],
    });

    const modelImage = `${modelRepo.repositoryUrl}:${settings.imageTag}`;
    // Workers log the alarmed counters as CloudWatch embedded metrics in this namespace.
    const metricsNamespace = `tickflow/${settings.env}`;
    const environment = [
      ['TICKFLOW_STACK', 'aws'],
      ['AWS_REGION', settings.region],
      ['TICKFLOW_STREAM', names.stream],
      ['TICKFLOW_TABLE_PREFIX', names.tablePrefix],
      ['TICKFLOW_BUCKET', bucket.bucket],
      ['TICKFLOW_ALERTS_TOPIC', names.alertsTopic],
      ['TICKFLOW_ALERTS_TOPIC_ARN', alertsTopic.arn],
      ['TICKFLOW_TASK_QUEUE', names.taskQueue],
      ['TICKFLOW_MODEL_IMAGE', modelImage],
      ['TICKFLOW_SAGEMAKER_ROLE_ARN', sagemakerRole.arn],
      ['TICKFLOW_ENDPOINT_NAME', names.endpoint],
      ['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true'],
      ['TICKFLOW_CLOUDWATCH_NAMESPACE', metricsNamespace],
    ].map(([n, value]) => ({ name: n!, value: value! }));
    const secrets = [
      ['TEMPORAL_ADDRESS', 'address'],
      ['TEMPORAL_NAMESPACE', 'namespace'],
      ['TEMPORAL_TLS_CERT', 'tlsCert'],
      ['TEMPORAL_TLS_KEY', 'tlsKey'],
    ].map(([n, field]) => ({ name: n!, valueFrom: `${temporalSecret.arn}:${field}::` }));
    const taskDefinition = (
      id: string,
      role: string,
      logs: CloudwatchLogGroup,
      command: string[],
      cpu: number,
      memory: number,
    ) =>
      new EcsTaskDefinition(this, `task-${id}`, {
        family: name(id),
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: String(cpu),
        memory: String(memory),
        executionRoleArn: executionRole.arn,
        taskRoleArn: role,
        runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
        containerDefinitions: JSON.stringify([
          {
            name: id,
            image: `${appRepo.repositoryUrl}:${settings.imageTag}`,
            essential: true,
            command,
            environment,
            secrets,
            user: 'node',
            stopTimeout: 30,
            logConfiguration: {
              logDriver: 'awslogs',
              options: { 'awslogs-group': logs.name, 'awslogs-region': settings.region, 'awslogs-stream-prefix': id },
            },
          },
        ]),
      });
    // Three quarters of the task's memory as heap: the worker caches one ticker workflow per MiB
    // above 512 (1,024 here), where Node's own default (a quarter of memory) would leave 100.
    const ingestTask = taskDefinition(
      'ingest-worker',
      ingestRole.arn,
      ingestLogs,
      ['node', '--max-old-space-size=1536', 'bin/tickflow.js', 'worker', '--role', 'ingest'],
      1024,
      2048,
    );
    const trainingTask = taskDefinition(
      'training-worker',
      trainingRole.arn,
      trainingLogs,
      ['node', 'bin/tickflow.js', 'worker', '--role', 'training'],
      1024,
      4096,
    );
    const producerTask = taskDefinition(
      'producer',
      producerRole.arn,
      producerLogs,
      ['node', 'bin/tickflow.js', 'produce', 'replay'],
      256,
      512,
    );

    // Live market data: one on-demand task (a Spot reclaim would cost the minutes until the
    // replacement connects) streaming the registry's active tickers from the chosen provider.
    const liveCredentials = {
      alpaca: ['APCA_API_KEY_ID', 'APCA_API_SECRET_KEY'],
      finnhub: ['FINNHUB_TOKEN'],
      none: [],
    }[settings.liveSource];
    if (settings.liveSource !== 'none') {
      const providerSecret = new SecretsmanagerSecret(this, 'provider', {
        name: name(`${settings.liveSource}-credentials`),
        kmsKeyId: key.arn,
        description: `${settings.liveSource} credentials: JSON {${liveCredentials.join(', ')}}`,
      });
      const liveExecutionRole = serviceRole(
        this,
        'live-execution-role',
        name('live-producer-execution'),
        'ecs-tasks.amazonaws.com',
        [
          { Sid: 'EcrLogin', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] },
          {
            Sid: 'PullAppImage',
            Effect: 'Allow',
            Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
            Resource: [appRepo.arn],
          },
          {
            Sid: 'WriteLogs',
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: [`${producerLogs.arn}:*`],
          },
          {
            Sid: 'ReadSecrets',
            Effect: 'Allow',
            Action: ['secretsmanager:GetSecretValue'],
            Resource: [temporalSecret.arn, providerSecret.arn],
          },
          kmsUse('DecryptImagesAndSecrets', ['kms:Decrypt']),
        ],
      );
      const liveTask = new EcsTaskDefinition(this, 'task-live-producer', {
        family: name('live-producer'),
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        executionRoleArn: liveExecutionRole.arn,
        taskRoleArn: producerRole.arn,
        runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
        containerDefinitions: JSON.stringify([
          {
            name: 'live-producer',
            image: `${appRepo.repositoryUrl}:${settings.imageTag}`,
            essential: true,
            command: ['node', 'bin/tickflow.js', 'produce', settings.liveSource],
            environment,
            secrets: [
              ...secrets,
              ...liveCredentials.map((key_) => ({ name: key_, valueFrom: `${providerSecret.arn}:${key_}::` })),
            ],
            user: 'node',
            stopTimeout: 30,
            logConfiguration: {
              logDriver: 'awslogs',
              options: {
                'awslogs-group': producerLogs.name,
                'awslogs-region': settings.region,
                'awslogs-stream-prefix': 'live-producer',
              },
            },
          },
        ]),
      });
      new EcsService(this, 'live-producer-service', {
        name: 'live-producer',
        cluster: cluster.id,
        taskDefinition: liveTask.arn,
        desiredCount: 1,
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
        networkConfiguration: {
          subnets: network.privateSubnetIds,
          securityGroups: [network.taskSecurityGroupId],
          assignPublicIp: false,
        },
        deploymentCircuitBreaker: { enable: true, rollback: true },
        // One connection per account at Alpaca: never run two while deploying.
        deploymentMaximumPercent: 100,
        deploymentMinimumHealthyPercent: 0,
        enableExecuteCommand: false,
      });
      new TerraformOutput(this, 'provider_secret_arn', { value: providerSecret.arn });
    }

    const ingestService = new EcsService(this, 'ingest-service', {
      name: 'ingest-worker',
      cluster: cluster.id,
      taskDefinition: ingestTask.arn,
      desiredCount: settings.ingestWorkers,
      capacityProviderStrategy: [
        { capacityProvider: 'FARGATE', base: 1, weight: 1 },
        { capacityProvider: 'FARGATE_SPOT', weight: 4 },
      ],
      networkConfiguration: {
        subnets: network.privateSubnetIds,
        securityGroups: [network.taskSecurityGroupId],
        assignPublicIp: false,
      },
      deploymentCircuitBreaker: { enable: true, rollback: true },
      enableExecuteCommand: false,
      // Autoscaling owns the task count once deployed.
      lifecycle: { ignoreChanges: ['desired_count'] },
    });
    new IngestAutoscaling(this, 'ingest-autoscaling', {
      clusterName: cluster.name,
      serviceName: ingestService.name,
      minWorkers: settings.ingestWorkers,
      maxWorkers: settings.ingestWorkersMax,
      targetCpuPercent: settings.ingestTargetCpu,
    });

    // The training worker mostly waits on SageMaker; Spot reclaims only delay a run (its
    // workflow resumes on the replacement task), so it runs entirely on Spot.
    new EcsService(this, 'training-service', {
      name: 'training-worker',
      cluster: cluster.id,
      taskDefinition: trainingTask.arn,
      desiredCount: 1,
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
      networkConfiguration: {
        subnets: network.privateSubnetIds,
        securityGroups: [network.taskSecurityGroupId],
        assignPublicIp: false,
      },
      deploymentCircuitBreaker: { enable: true, rollback: true },
      enableExecuteCommand: false,
    });

    new ApiService(this, 'api', {
      settings,
      name,
      vpcId: network.vpcId,
      publicSubnetIds: network.publicSubnetIds,
      privateSubnetIds: network.privateSubnetIds,
      clusterId: cluster.id,
      keyArn: key.arn,
      image: `${appRepo.repositoryUrl}:${settings.imageTag}`,
      imageRepositoryArn: appRepo.arn,
      temporalSecretArn: temporalSecret.arn,
      environment,
      secrets,
      readTableArns: [appTables.bars, appTables.predictions, appTables.tickers, appTables.alerts, appTables.models].map(
        tableArn,
      ),
      endpointArn,
    });

    // --- alarms ---------------------------------------------------------------------------
    // SageMaker publishes endpoint metrics per variant, and tickflow names a variant after each
    // model version: Metrics Insights queries aggregate over whichever variant is serving.
    const endpointAlarm = (id: string, description: string, metric: string, aggregate: string, threshold: number) =>
      new CloudwatchMetricAlarm(this, id, {
        alarmName: name(id.replace(/^alarm-/, '')),
        alarmDescription: description,
        metricQuery: [
          {
            id: 'q',
            returnData: true,
            period: 60,
            label: metric,
            expression: `SELECT ${aggregate}(${metric}) FROM SCHEMA("AWS/SageMaker", EndpointName, VariantName) WHERE EndpointName = '${names.endpoint}'`,
          },
        ],
        evaluationPeriods: 5,
        threshold,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
        alarmActions: [alarmsTopic.arn],
        okActions: [alarmsTopic.arn],
      });
    endpointAlarm(
      'alarm-endpoint-5xx',
      'The prediction endpoint returns server errors',
      'Invocation5XXErrors',
      'SUM',
      0,
    );
    endpointAlarm(
      'alarm-endpoint-latency',
      'Prediction latency above 1 s (ModelLatency is in microseconds)',
      'ModelLatency',
      'MAX',
      1_000_000,
    );

    new CloudwatchMetricAlarm(this, 'alarm-iterator-age', {
      alarmName: name('kinesis-iterator-age'),
      alarmDescription: 'Shard readers are falling behind the stream',
      namespace: 'AWS/Kinesis',
      metricName: 'GetRecords.IteratorAgeMilliseconds',
      dimensions: { StreamName: stream.name },
      statistic: 'Maximum',
      period: 60,
      evaluationPeriods: 5,
      threshold: 60_000,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [alarmsTopic.arn],
      okActions: [alarmsTopic.arn],
    });
    new CloudwatchMetricAlarm(this, 'alarm-stream-throttled', {
      alarmName: name('kinesis-write-throttled'),
      alarmDescription: 'Producers are being throttled: add shards',
      namespace: 'AWS/Kinesis',
      metricName: 'WriteProvisionedThroughputExceeded',
      dimensions: { StreamName: stream.name },
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [alarmsTopic.arn],
    });

    const pipelineAlarm = (id: string, description: string, metric: string) =>
      new CloudwatchMetricAlarm(this, id, {
        alarmName: name(id.replace(/^alarm-/, '')),
        alarmDescription: description,
        namespace: metricsNamespace,
        metricName: metric,
        statistic: 'Sum',
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
        alarmActions: [alarmsTopic.arn],
        okActions: [alarmsTopic.arn],
      });
    pipelineAlarm(
      'alarm-dead-letters',
      'Records were dead-lettered: see tickflow dead-letters',
      EMF_METRIC.deadLettered,
    );
    pipelineAlarm(
      'alarm-failed-batches',
      'A batch failed for good and halted its ticker: see tickflow failed, then tickflow replay',
      EMF_METRIC.batchesFailed,
    );

    // --- outputs: `tickflow infra env` turns these into tickflow's aws configuration -----
    const outputs: Record<string, string> = {
      region: settings.region,
      stream_name: stream.name,
      table_prefix: names.tablePrefix,
      bucket_name: bucket.bucket,
      alerts_topic_name: alertsTopic.name,
      alerts_topic_arn: alertsTopic.arn,
      task_queue: names.taskQueue,
      cluster_name: cluster.name,
      app_repository_url: appRepo.repositoryUrl,
      model_repository_url: modelRepo.repositoryUrl,
      temporal_secret_arn: temporalSecret.arn,
      sagemaker_role_arn: sagemakerRole.arn,
      model_image: modelImage,
      endpoint_name: names.endpoint,
      producer_task_definition: producerTask.arn,
      task_security_group_id: network.taskSecurityGroupId,
    };
    for (const [output, value] of Object.entries(outputs)) new TerraformOutput(this, output, { value });
    new TerraformOutput(this, 'private_subnet_ids', { value: network.privateSubnetIds });
  }
}
