import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { executionStatements, serviceRole, type Statement } from './iam';
import type { dataStores } from './data-stores';
import type { imagesSecretsLogs } from './images-secrets-logs';
import type { StackContext } from './stack-context';

/** Least-privilege roles: the task execution role, one per service, and SageMaker's. */
export function taskRoles(
  ctx: StackContext,
  key: KmsKey,
  { stream, appTables, bucket, alertsTopic }: ReturnType<typeof dataStores>,
  { appRepo, modelRepo, temporalSecret, logs }: ReturnType<typeof imagesSecretsLogs>,
) {
  const { scope, settings, names, name, accountId } = ctx;
  const [ingestLogs, trainingLogs, producerLogs] = [logs.ingest, logs.training, logs.producer];
  const kmsUse = (sid: string, actions: string[]): Statement => ({
    Sid: sid,
    Effect: 'Allow',
    Action: actions,
    Resource: [key.arn],
  });
  const tableArn = (table: string) => `arn:aws:dynamodb:${settings.region}:${accountId}:table/${table}`;

  const executionRole = serviceRole(scope, 'execution-role', name('task-execution'), 'ecs-tasks.amazonaws.com', [
    ...executionStatements(
      appRepo.arn,
      [ingestLogs, trainingLogs, producerLogs].map((g) => g.arn),
      { sid: 'ReadTemporalSecret', arns: [temporalSecret.arn] },
    ),
    kmsUse('DecryptImagesAndSecret', ['kms:Decrypt']),
  ]);

  const sagemakerArn = (type: string, resource: string) =>
    `arn:aws:sagemaker:${settings.region}:${accountId}:${type}/${resource}`;
  const endpointArn = sagemakerArn('endpoint', names.endpoint);
  const ingestRole = serviceRole(scope, 'ingest-role', name('ingest-worker'), 'ecs-tasks.amazonaws.com', [
    {
      Sid: 'ReadStream',
      Effect: 'Allow',
      Action: ['kinesis:ListShards', 'kinesis:DescribeStreamSummary', 'kinesis:GetShardIterator', 'kinesis:GetRecords'],
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
      Resource: [appTables.bars, appTables.deadLetters, appTables.tickers, appTables.predictions, appTables.alerts].map(
        tableArn,
      ),
    },
    { Sid: 'ReadAlertRules', Effect: 'Allow', Action: ['dynamodb:Scan'], Resource: [tableArn(appTables.alertRules)] },
    { Sid: 'PublishAlerts', Effect: 'Allow', Action: ['sns:Publish'], Resource: [alertsTopic.arn] },
    { Sid: 'Predict', Effect: 'Allow', Action: ['sagemaker:InvokeEndpoint'], Resource: [endpointArn] },
    kmsUse('EncryptedData', ['kms:Decrypt', 'kms:GenerateDataKey']),
  ]);

  const producerRole = serviceRole(scope, 'producer-role', name('producer'), 'ecs-tasks.amazonaws.com', [
    {
      Sid: 'WriteStream',
      Effect: 'Allow',
      Action: ['kinesis:PutRecords', 'kinesis:PutRecord', 'kinesis:DescribeStreamSummary'],
      Resource: [stream.arn],
    },
    kmsUse('EncryptRecords', ['kms:GenerateDataKey']),
  ]);

  const sagemakerRole = serviceRole(scope, 'sagemaker-role', name('sagemaker'), 'sagemaker.amazonaws.com', [
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
      Resource: [`arn:aws:logs:${settings.region}:${accountId}:log-group:/aws/sagemaker/*`],
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

  const trainingRole = serviceRole(scope, 'training-role', name('training-worker'), 'ecs-tasks.amazonaws.com', [
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
  return { kmsUse, tableArn, endpointArn, executionRole, ingestRole, producerRole, sagemakerRole, trainingRole };
}
