import { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import type { NetworkStack } from './network-stack';
import { useBackend } from './backend';
import { dataKey } from './encryption';
import { dataStores } from './data-stores';
import { imagesSecretsLogs } from './images-secrets-logs';
import { taskRoles } from './task-roles';
import { compute } from './compute';
import { alarms } from './alarms';
import { resourceNames, type StackContext } from './stack-context';
import type { InfraSettings } from './settings';

/**
 * Everything tickflow runs on: one KMS key for all data at rest, the Kinesis stream, the
 * DynamoDB tables (the same definitions the local stack creates), the S3 bucket, SNS topics,
 * ECR repositories, the ECS cluster on Fargate + Fargate Spot with the ingest worker service
 * and a producer task, least-privilege roles, log groups and alarms. Each concern is a file
 * of its own; all declare their resources in this stack.
 */
export class ServicesStack extends TerraformStack {
  constructor(scope: Construct, id: string, settings: InfraSettings, network: NetworkStack) {
    super(scope, id);
    useBackend(this, id, settings);
    new AwsProvider(this, 'aws', {
      region: settings.region,
      defaultTags: [{ tags: { Project: 'tickflow', Environment: settings.env } }],
    });
    const account = new DataAwsCallerIdentity(this, 'account');
    const names = resourceNames(settings.env);
    const ctx: StackContext = {
      scope: this,
      settings,
      names,
      name: (suffix) => `${settings.env}-${suffix}`,
      accountId: account.accountId,
    };

    const key = dataKey(ctx);
    const data = dataStores(ctx, key);
    const support = imagesSecretsLogs(ctx, key);
    const roles = taskRoles(ctx, key, data, support);
    const { cluster, producerTask, modelImage } = compute(ctx, key, network, data, support, roles);
    alarms(ctx, data);

    // `tickflow infra env` turns these into tickflow's aws configuration.
    const outputs: Record<string, string> = {
      region: settings.region,
      stream_name: data.stream.name,
      table_prefix: names.tablePrefix,
      bucket_name: data.bucket.bucket,
      alerts_topic_name: data.alertsTopic.name,
      alerts_topic_arn: data.alertsTopic.arn,
      task_queue: names.taskQueue,
      cluster_name: cluster.name,
      app_repository_url: support.appRepo.repositoryUrl,
      model_repository_url: support.modelRepo.repositoryUrl,
      temporal_secret_arn: support.temporalSecret.arn,
      sagemaker_role_arn: roles.sagemakerRole.arn,
      model_image: modelImage,
      endpoint_name: names.endpoint,
      producer_task_definition: producerTask.arn,
      task_security_group_id: network.taskSecurityGroupId,
    };
    for (const [output, value] of Object.entries(outputs)) new TerraformOutput(this, output, { value });
    new TerraformOutput(this, 'private_subnet_ids', { value: network.privateSubnetIds });
  }
}
