import { proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { DeployWorkflowInput, TrainingActivities } from './training-contracts';
import { MODEL_VERSION } from './search-attributes';

const registry = proxyActivities<TrainingActivities>({ startToCloseTimeout: '30 seconds' });
const sagemaker = proxyActivities<TrainingActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 10 },
});
const waits = proxyActivities<TrainingActivities>({
  startToCloseTimeout: '45 minutes',
  heartbeatTimeout: '30 seconds',
});

/**
 * Puts a registered model version behind the endpoint: Model + EndpointConfig, then a
 * blue/green UpdateEndpoint (SageMaker keeps the old variant serving until the new one
 * passes its health check), wait for InService, smoke-test invocations, record it. The latest
 * rejected candidate rides along as the challenger (weight 0).
 * Promotion, `tickflow promote` and `tickflow rollback` all come through here.
 */
export async function deployModelWorkflow(
  input: DeployWorkflowInput,
): Promise<{ version: string; previous: string | null }> {
  upsertSearchAttributes([{ key: MODEL_VERSION, value: input.version }]);
  const { previous, endpointConfig, challenger } = await sagemaker.deployModel({ version: input.version });
  await waits.awaitEndpoint({ version: input.version, endpointConfig });
  await sagemaker.smokeTestEndpoint({ version: input.version, challenger });
  await registry.recordDeployment({
    version: input.version,
    previous,
    reason: input.reason,
    workflowId: workflowInfo().workflowId,
  });
  return { version: input.version, previous };
}

/**
 * After a rejection: the same blue/green update, serving the same champion with the rejected
 * `candidate` staged beside it as the challenger (unless a newer one was rejected meanwhile).
 * Not a deployment of the champion, so not recorded as one. Null when no model serves.
 */
export async function stageChallengerWorkflow(input: {
  candidate: string;
}): Promise<{ version: string; challenger: string | null } | null> {
  upsertSearchAttributes([{ key: MODEL_VERSION, value: input.candidate }]);
  const staged = await sagemaker.stageChallenger();
  if (!staged) return null;
  const { version, endpointConfig, challenger = null } = staged;
  await waits.awaitEndpoint({ version, endpointConfig });
  await sagemaker.smokeTestEndpoint({ version, challenger });
  return { version, challenger };
}
