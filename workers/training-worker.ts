import { Worker } from '@temporalio/worker';
import type { TickflowConfig } from '../config/config';
import { createTrainingActivities } from '../activities/training';
import { createTrainingDeps } from '../activities/training/deps';
import { createLogger } from '../observability/logger';
import type { WorkerResources } from './runtime';
import { ensureTrainingSchedules } from './training-schedule';

/**
 * The training worker: runs the training and deployment workflows and their SageMaker,
 * S3 and registry activities on their own task queue (training is bursty and slow; it
 * must not take slots from ingestion), and keeps the 3-day retraining Schedule in place.
 */
export async function runTrainingWorker(
  config: TickflowConfig,
  { aws, temporal, connection, workflowBundle }: WorkerResources,
): Promise<void> {
  const log = createLogger('training-worker', config.logLevel);
  const schedule = await ensureTrainingSchedules(config, temporal);
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.model.trainingTaskQueue,
    workflowBundle,
    activities: createTrainingActivities(createTrainingDeps(config, aws)),
    maxConcurrentActivityTaskExecutions: 4,
    shutdownGraceTime: '10s',
  });
  log.info(
    { taskQueue: config.model.trainingTaskQueue, schedule, everyHours: config.model.trainingEveryHours },
    'training worker running',
  );
  await worker.run();
  log.info('training worker stopped');
}
