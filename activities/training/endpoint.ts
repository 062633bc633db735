import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  UpdateEndpointCommand,
  type ProductionVariantInstanceType,
} from '@aws-sdk/client-sagemaker';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { describeEndpoint } from '../../clients/sagemaker-endpoint';
import { FEATURE_NAMES } from '../../domain/features';
import type { DeployStarted } from '../../workflows/training-contracts';
import { invokeModel } from '../invoke-model';
import { sagemakerNames, type TrainingDeps } from './deps';

const alreadyExists = (error: unknown) =>
  (error as Error).name === 'ValidationException' && /already existing/.test((error as Error).message);

/**
 * Points the endpoint at a version: its SageMaker Model and EndpointConfig (created once,
 * idempotently), then CreateEndpoint the first time and UpdateEndpoint (blue/green) after.
 */
export function deployModelActivity(deps: TrainingDeps) {
  return async function deployModel({ version }: { version: string }): Promise<DeployStarted> {
    const { config } = deps;
    const names = sagemakerNames(config, version);
    const record = await deps.registry.get(version);
    if (!record?.artifact)
      throw ApplicationFailure.nonRetryable(
        `model ${version} has no artifact in the registry; it cannot be deployed`,
        'UnknownModel',
      );
    const ignoreExisting = (error: unknown) => {
      if (!alreadyExists(error)) throw error;
    };
    await deps.aws.sagemaker
      .send(
        new CreateModelCommand({
          ModelName: names.model,
          ExecutionRoleArn: config.sagemaker.roleArn,
          PrimaryContainer: { Image: config.sagemaker.modelImage, ModelDataUrl: record.artifact },
        }),
      )
      .catch(ignoreExisting);
    await deps.aws.sagemaker
      .send(
        new CreateEndpointConfigCommand({
          EndpointConfigName: names.endpointConfig,
          ProductionVariants: [
            {
              VariantName: names.variant,
              ModelName: names.model,
              InstanceType: config.sagemaker.endpointInstanceType as ProductionVariantInstanceType,
              InitialInstanceCount: 1,
              InitialVariantWeight: 1,
            },
          ],
        }),
      )
      .catch(ignoreExisting);

    const endpoint = await describeEndpoint(deps.aws.sagemaker, deps.config.sagemaker.endpointName);
    const previous = endpoint?.ProductionVariants?.[0]?.VariantName ?? null;
    if (!endpoint) {
      await deps.aws.sagemaker.send(
        new CreateEndpointCommand({
          EndpointName: config.sagemaker.endpointName,
          EndpointConfigName: names.endpointConfig,
        }),
      );
    } else if (endpoint.EndpointConfigName !== names.endpointConfig || endpoint.EndpointStatus === 'Failed') {
      // A retry after UpdateEndpoint was accepted finds the endpoint Updating to this config: nothing to redo.
      if (endpoint.EndpointStatus !== 'Updating' && endpoint.EndpointStatus !== 'Creating') {
        await deps.aws.sagemaker.send(
          new UpdateEndpointCommand({
            EndpointName: config.sagemaker.endpointName,
            EndpointConfigName: names.endpointConfig,
          }),
        );
      }
    }
    return { previous: previous === version ? null : previous };
  };
}

/** Waits for the endpoint to settle; fails (not retried) when it settled on anything but `version`. */
export function awaitEndpointActivity(deps: TrainingDeps, pollMs = 1_000) {
  return async function awaitEndpoint({ version }: { version: string }): Promise<void> {
    const context = Context.current();
    const wanted = sagemakerNames(deps.config, version).endpointConfig;
    for (;;) {
      const endpoint = await describeEndpoint(deps.aws.sagemaker, deps.config.sagemaker.endpointName);
      if (!endpoint)
        throw ApplicationFailure.nonRetryable(
          `endpoint ${deps.config.sagemaker.endpointName} disappeared during the deployment`,
          'EndpointGone',
        );
      context.heartbeat(endpoint.EndpointStatus);
      if (endpoint.EndpointStatus === 'InService' || endpoint.EndpointStatus === 'Failed') {
        if (endpoint.EndpointStatus === 'InService' && endpoint.EndpointConfigName === wanted) return;
        const reason =
          endpoint.FailureReason ?? `endpoint is ${endpoint.EndpointStatus} on ${endpoint.EndpointConfigName}`;
        throw ApplicationFailure.nonRetryable(`deployment of ${version} failed: ${reason}`, 'DeploymentFailed');
      }
      await context.sleep(pollMs);
    }
  };
}

/** One real invocation: the endpoint answers, with the expected version, a number per row. */
export function smokeTestEndpointActivity(deps: TrainingDeps) {
  return async function smokeTestEndpoint({ version }: { version: string }): Promise<void> {
    const answer = await invokeModel(deps.aws.sagemakerRuntime, deps.config.sagemaker.endpointName, [
      FEATURE_NAMES.map(() => 0),
      FEATURE_NAMES.map(() => null),
    ]);
    if (answer.modelVersion !== version)
      throw new Error(`the endpoint answered with ${answer.modelVersion}, expected ${version}`);
  };
}
