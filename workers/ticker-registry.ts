import { WorkflowIdConflictPolicy, type Client } from '@temporalio/client';
import type { TickflowConfig } from '../config/config';
import { tickerRegistryWorkflow } from '../workflows/registry';
import { REGISTRY_WORKFLOW_ID } from '../workflows/workflow-ids';

/** Starts the ticker registry unless it runs already (the worker and `tickflow onboard` both call this). */
export async function ensureTickerRegistry(config: TickflowConfig, temporal: Client): Promise<void> {
  await temporal.workflow.start(tickerRegistryWorkflow, {
    workflowId: REGISTRY_WORKFLOW_ID,
    taskQueue: config.temporal.taskQueue,
    args: [{}],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
}
