import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { TickflowConfig } from '../config/config';
import { TRAINING_SCHEDULE_ID } from '../workflows/workflow-ids';
import { trainingWorkflow, type TrainingWorkflowConfig } from '../workflows/training';

export const trainingWorkflowConfig = (config: TickflowConfig): TrainingWorkflowConfig => ({
  endpointName: config.sagemaker.endpointName,
  interval: config.model.interval,
  horizon: config.model.horizon,
  quantiles: config.model.quantiles,
});

function scheduleOptions(config: TickflowConfig) {
  return {
    scheduleId: TRAINING_SCHEDULE_ID,
    spec: { intervals: [{ every: `${config.model.trainingEveryHours} hours` }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: trainingWorkflow,
      workflowId: 'training-scheduled',
      taskQueue: config.model.trainingTaskQueue,
      args: [{ trigger: 'schedule', config: trainingWorkflowConfig(config) }] as Parameters<typeof trainingWorkflow>,
    },
    policies: {
      // A run still going when the next is due is not doubled up; a short outage is caught up.
      overlap: ScheduleOverlapPolicy.SKIP,
      catchupWindow: '1 day',
    },
    memo: { description: 'tickflow retraining: export → SageMaker training → evaluate → promote or reject' },
  } satisfies ScheduleOptions;
}

/** Creates the retraining Schedule, or brings an existing one in line with the configuration. */
export async function ensureTrainingSchedule(config: TickflowConfig, temporal: Client): Promise<'created' | 'updated'> {
  const options = scheduleOptions(config);
  try {
    await temporal.schedule.create(options);
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await temporal.schedule.getHandle(TRAINING_SCHEDULE_ID).update((previous) => ({
      ...previous,
      spec: options.spec,
      action: options.action,
      policies: { ...previous.policies, ...options.policies },
    }));
    return 'updated';
  }
}
