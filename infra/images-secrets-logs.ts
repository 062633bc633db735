import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import type { StackContext } from './stack-context';

/** The image repositories, the Temporal connection's secret and the services' log groups. */
export function imagesSecretsLogs(ctx: StackContext, key: KmsKey) {
  const { scope, settings, name } = ctx;
  const repository = (id: string) =>
    new EcrRepository(scope, `repo-${id}`, {
      name: name(id),
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: 'KMS', kmsKey: key.arn }],
    });
  const appRepo = repository('app');
  const modelRepo = repository('model');

  // Temporal connection (address, namespace, mTLS cert and key): values are put by the operator,
  // never into Terraform state. See docs/deploying.md.
  const temporalSecret = new SecretsmanagerSecret(scope, 'temporal', {
    name: name('temporal'),
    kmsKeyId: key.arn,
    description: 'Temporal connection: JSON {address, namespace, tlsCert, tlsKey}',
  });

  const logGroup = (service: string) =>
    new CloudwatchLogGroup(scope, `logs-${service}`, {
      name: `/${settings.env}/${service}`,
      retentionInDays: settings.logRetentionDays,
      kmsKeyId: key.arn,
    });
  const ingestLogs = logGroup('ingest-worker');
  const trainingLogs = logGroup('training-worker');
  const producerLogs = logGroup('producer');
  return {
    appRepo,
    modelRepo,
    temporalSecret,
    logs: { ingest: ingestLogs, training: trainingLogs, producer: producerLogs },
  };
}
