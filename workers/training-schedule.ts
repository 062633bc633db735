import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { TickflowConfig } from '../config/config';
import { LIVE_SCORING_SCHEDULE_ID, TRAINING_SCHEDULE_ID } from '../workflows/workflow-ids';
import { liveScoringWorkflow } from '../workflows/live-scoring';
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

/** Every hour: the model in service and its challenger scored on the bars that arrived after their training data. */
function liveScoringScheduleOptions(config: TickflowConfig) {
  return {
    scheduleId: LIVE_SCORING_SCHEDULE_ID,
    spec: { intervals: [{ every: '1 hour' }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: liveScoringWorkflow,
      workflowId: 'live-scoring',
      taskQueue: config.model.trainingTaskQueue,
      args: [] as Parameters<typeof liveScoringWorkflow>,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
    memo: {
      description: 'tickflow live scoring: the model in service and its challenger on bars after their training data',
    },
  } satisfies ScheduleOptions;
}

/** Creates a Schedule, or brings an existing one in line with the configuration. */
async function ensureSchedule(temporal: Client, options: ScheduleOptions): Promise<'created' | 'updated'> {
  try {
    await temporal.schedule.create(options);
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await temporal.schedule.getHandle(options.scheduleId).update((previous) => ({
      ...previous,
      spec: options.spec,
      action: options.action,
      policies: { ...previous.policies, ...options.policies },
    }));
    return 'updated';
  }
}

/** The retraining and live-scoring Schedules, created or brought in line with the configuration. */
export async function ensureTrainingSchedules(
  config: TickflowConfig,
  temporal: Client,
): Promise<{ training: 'created' | 'updated'; liveScoring: 'created' | 'updated' }> {
  return {
    training: await ensureSchedule(temporal, scheduleOptions(config)),
    liveScoring: await ensureSchedule(temporal, liveScoringScheduleOptions(config)),
  };
}
