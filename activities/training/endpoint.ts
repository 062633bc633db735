import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  UpdateEndpointCommand,
  type ProductionVariantInstanceType,
} from '@aws-sdk/client-sagemaker';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { describeEndpoint, variantsOf } from '../../clients/sagemaker-endpoint';
import { challengerOf } from '../../domain/challenger';
import { FEATURE_NAMES } from '../../domain/features';
import type { DeployStarted } from '../../workflows/training-contracts';
import { invokeModel } from '../invoke-model';
import { endpointConfigName, sagemakerNames, type TrainingDeps } from './deps';

const alreadyExists = (error: unknown) =>
  (error as Error).name === 'ValidationException' && /already existing/.test((error as Error).message);
const ignoreExisting = (error: unknown) => {
  if (!alreadyExists(error)) throw error;
};

/** The version's SageMaker Model, created once (idempotently); its name. */
async function ensureModel(deps: TrainingDeps, version: string): Promise<string> {
  const names = sagemakerNames(deps.config, version);
  const record = await deps.registry.get(version);
  if (!record?.artifact)
    throw ApplicationFailure.nonRetryable(
      `model ${version} has no artifact in the registry; it cannot be deployed`,
      'UnknownModel',
    );
  await deps.aws.sagemaker
    .send(
      new CreateModelCommand({
        ModelName: names.model,
        ExecutionRoleArn: deps.config.sagemaker.roleArn,
        PrimaryContainer: { Image: deps.config.sagemaker.modelImage, ModelDataUrl: record.artifact },
      }),
    )
    .catch(ignoreExisting);
  return names.model;
}

/**
 * Points the endpoint at `champion` (weight 1) with the challenger (`challengerOf` the
 * registry, unless TICKFLOW_MODEL_CHALLENGER is off) beside it at weight 0: their Models and
 * EndpointConfig (created once, idempotently), then CreateEndpoint the first time and
 * UpdateEndpoint (blue/green) after.
 */
async function serveOnEndpoint(deps: TrainingDeps, champion: string): Promise<DeployStarted> {
  const { config } = deps;
  const challenger = config.model.challenger ? challengerOf(await deps.registry.list(), champion) : null;
  const endpointConfig = endpointConfigName(config, champion, challenger);
  const variant = async (version: string, weight: number) => ({
    VariantName: sagemakerNames(config, version).variant,
    ModelName: await ensureModel(deps, version),
    InstanceType: config.sagemaker.endpointInstanceType as ProductionVariantInstanceType,
    InitialInstanceCount: 1,
    InitialVariantWeight: weight,
  });
  const variants = [await variant(champion, 1), ...(challenger ? [await variant(challenger, 0)] : [])];
  await deps.aws.sagemaker
    .send(new CreateEndpointConfigCommand({ EndpointConfigName: endpointConfig, ProductionVariants: variants }))
    .catch(ignoreExisting);

  const endpoint = await describeEndpoint(deps.aws.sagemaker, config.sagemaker.endpointName);
  const previous = variantsOf(endpoint).champion;
  if (!endpoint) {
    await deps.aws.sagemaker.send(
      new CreateEndpointCommand({ EndpointName: config.sagemaker.endpointName, EndpointConfigName: endpointConfig }),
    );
  } else if (endpoint.EndpointConfigName !== endpointConfig || endpoint.EndpointStatus === 'Failed') {
    // A retry after UpdateEndpoint was accepted finds the endpoint Updating to this config: nothing to redo.
    if (endpoint.EndpointStatus !== 'Updating' && endpoint.EndpointStatus !== 'Creating') {
      await deps.aws.sagemaker.send(
        new UpdateEndpointCommand({ EndpointName: config.sagemaker.endpointName, EndpointConfigName: endpointConfig }),
      );
    }
  }
  return { previous: previous === champion ? null : previous, endpointConfig, challenger };
}

export function deployModelActivity(deps: TrainingDeps) {
  return async function deployModel({ version }: { version: string }): Promise<DeployStarted> {
    return serveOnEndpoint(deps, version);
  };
}

/** After a rejection: the champion keeps serving, and the rejected candidate is staged beside it. */
export function stageChallengerActivity(deps: TrainingDeps) {
  return async function stageChallenger(): Promise<(DeployStarted & { version: string }) | null> {
    const endpoint = await describeEndpoint(deps.aws.sagemaker, deps.config.sagemaker.endpointName);
    const champion = variantsOf(endpoint).champion;
    if (!champion) return null; // nothing serves: there is no endpoint to stage beside
    return { version: champion, ...(await serveOnEndpoint(deps, champion)) };
  };
}

/** Waits for the endpoint to settle; fails (not retried) when it settled on anything but `version`. */
export function awaitEndpointActivity(deps: TrainingDeps, pollMs = 1_000) {
  return async function awaitEndpoint(input: { version: string; endpointConfig?: string }): Promise<void> {
    const { version } = input;
    const context = Context.current();
    const wanted = input.endpointConfig ?? sagemakerNames(deps.config, version).endpointConfig;
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

/** Real invocations: the champion answers by default, the challenger when targeted, each a number per row. */
export function smokeTestEndpointActivity(deps: TrainingDeps) {
  return async function smokeTestEndpoint(input: { version: string; challenger?: string | null }): Promise<void> {
    const rows = [FEATURE_NAMES.map(() => 0), FEATURE_NAMES.map(() => null)];
    const endpoint = deps.config.sagemaker.endpointName;
    const champion = await invokeModel(deps.aws.sagemakerRuntime, endpoint, rows);
    if (champion.modelVersion !== input.version)
      throw new Error(`the endpoint answered with ${champion.modelVersion}, expected ${input.version}`);
    if (!input.challenger) return;
    const challenger = await invokeModel(deps.aws.sagemakerRuntime, endpoint, rows, {
      targetVariant: input.challenger,
    });
    if (challenger.modelVersion !== input.challenger)
      throw new Error(`the challenger variant answered as ${challenger.modelVersion}, expected ${input.challenger}`);
  };
}
