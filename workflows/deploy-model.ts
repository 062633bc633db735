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
 * passes its health check), wait for InService, one smoke-test invocation, record it.
 * Promotion, `tickflow promote` and `tickflow rollback` all come through here.
 */
export async function deployModelWorkflow(
  input: DeployWorkflowInput,
): Promise<{ version: string; previous: string | null }> {
  upsertSearchAttributes([{ key: MODEL_VERSION, value: input.version }]);
  const { previous } = await sagemaker.deployModel({ version: input.version });
  await waits.awaitEndpoint({ version: input.version });
  await sagemaker.smokeTestEndpoint({ version: input.version });
  await registry.recordDeployment({
    version: input.version,
    previous,
    reason: input.reason,
    workflowId: workflowInfo().workflowId,
  });
  return { version: input.version, previous };
}
