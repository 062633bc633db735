import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { TerraformOutput } from 'cdktf';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { executionStatements, serviceRole } from './iam';
import type { imagesSecretsLogs } from './images-secrets-logs';
import type { NetworkStack } from './network-stack';
import type { StackContext } from './stack-context';
import type { taskRoles } from './task-roles';

export interface ContainerEnvironment {
  environment: Array<{ name: string; value: string }>;
  secrets: Array<{ name: string; valueFrom: string }>;
}

// Live market data: one on-demand task (a Spot reclaim would cost the minutes until the
// replacement connects) streaming the registry's active tickers from the chosen provider.
export function liveProducer(
  ctx: StackContext,
  key: KmsKey,
  { appRepo, temporalSecret, logs }: ReturnType<typeof imagesSecretsLogs>,
  { producerRole, kmsUse }: ReturnType<typeof taskRoles>,
  { clusterId, network, environment, secrets }: ContainerEnvironment & { clusterId: string; network: NetworkStack },
): void {
  const { scope, settings, name } = ctx;
  const producerLogs = logs.producer;
  const liveCredentials = {
    alpaca: ['APCA_API_KEY_ID', 'APCA_API_SECRET_KEY'],
    finnhub: ['FINNHUB_TOKEN'],
    none: [],
  }[settings.liveSource];
  if (settings.liveSource === 'none') return;
  const providerSecret = new SecretsmanagerSecret(scope, 'provider', {
    name: name(`${settings.liveSource}-credentials`),
    kmsKeyId: key.arn,
    description: `${settings.liveSource} credentials: JSON {${liveCredentials.join(', ')}}`,
  });
  const liveExecutionRole = serviceRole(
    scope,
    'live-execution-role',
    name('live-producer-execution'),
    'ecs-tasks.amazonaws.com',
    [
      ...executionStatements(appRepo.arn, [producerLogs.arn], {
        sid: 'ReadSecrets',
        arns: [temporalSecret.arn, providerSecret.arn],
      }),
      kmsUse('DecryptImagesAndSecrets', ['kms:Decrypt']),
    ],
  );
  const liveTask = new EcsTaskDefinition(scope, 'task-live-producer', {
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
  new EcsService(scope, 'live-producer-service', {
    name: 'live-producer',
    cluster: clusterId,
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
  new TerraformOutput(scope, 'provider_secret_arn', { value: providerSecret.arn });
}
