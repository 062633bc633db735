import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { ApiService } from './api-service';
import { IngestAutoscaling } from './ingest-autoscaling';
import type { dataStores } from './data-stores';
import type { imagesSecretsLogs } from './images-secrets-logs';
import { liveProducer } from './live-producer';
import type { NetworkStack } from './network-stack';
import type { StackContext } from './stack-context';
import type { taskRoles } from './task-roles';

/**
 * The ECS cluster on Fargate and Fargate Spot: the ingest workers (autoscaled), the training
 * worker, the producer task, the live producer and the API service.
 */
export function compute(
  ctx: StackContext,
  key: KmsKey,
  network: NetworkStack,
  data: ReturnType<typeof dataStores>,
  support: ReturnType<typeof imagesSecretsLogs>,
  roles: ReturnType<typeof taskRoles>,
) {
  const { scope, settings, names, name } = ctx;
  const { bucket, alertsTopic, appTables } = data;
  const { appRepo, modelRepo, temporalSecret, logs } = support;
  const { executionRole, ingestRole, trainingRole, producerRole, sagemakerRole, tableArn, endpointArn } = roles;
  const [ingestLogs, trainingLogs, producerLogs] = [logs.ingest, logs.training, logs.producer];
  const cluster = new EcsCluster(scope, 'cluster', {
    name: names.cluster,
    setting: [{ name: 'containerInsights', value: 'enabled' }],
  });
  new EcsClusterCapacityProviders(scope, 'capacity', {
    clusterName: cluster.name,
    capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    // Mostly Spot (about 70% cheaper); one on-demand task keeps ingestion alive through Spot reclaims.
    defaultCapacityProviderStrategy: [
      { capacityProvider: 'FARGATE', base: 1, weight: 1 },
      { capacityProvider: 'FARGATE_SPOT', weight: 4 },
    ],
  });

  const modelImage = `${modelRepo.repositoryUrl}:${settings.imageTag}`;
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
    ['TICKFLOW_CLOUDWATCH_NAMESPACE', names.metricsNamespace],
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
    new EcsTaskDefinition(scope, `task-${id}`, {
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
  liveProducer(ctx, key, support, roles, { clusterId: cluster.id, network, environment, secrets });

  const ingestService = new EcsService(scope, 'ingest-service', {
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
  new IngestAutoscaling(scope, 'ingest-autoscaling', {
    clusterName: cluster.name,
    serviceName: ingestService.name,
    minWorkers: settings.ingestWorkers,
    maxWorkers: settings.ingestWorkersMax,
    targetCpuPercent: settings.ingestTargetCpu,
  });

  // The training worker mostly waits on SageMaker; Spot reclaims only delay a run (its
  // workflow resumes on the replacement task), so it runs entirely on Spot.
  new EcsService(scope, 'training-service', {
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

  new ApiService(scope, 'api', {
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
  return { cluster, producerTask, modelImage };
}
