import {
  ApplicationFailure,
  ChildWorkflowFailure,
  executeChild,
  log,
  patched,
  proxyActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { deployModelWorkflow, stageChallengerWorkflow } from './deploy-model';
import { MODEL_VERSION } from './search-attributes';
import { deployWorkflowId } from './workflow-ids';
import type { TrainingActivities, TrainingResult, TrainingWorkflowInput } from './training-contracts';

const quick = proxyActivities<TrainingActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 10 },
});
const heavy = proxyActivities<TrainingActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  // Too little data (RangeError) will not improve by retrying.
  retry: {
    initialInterval: '5 seconds',
    maximumInterval: '2 minutes',
    maximumAttempts: 5,
    nonRetryableErrorTypes: ['RangeError'],
  },
});
const waitForJob = proxyActivities<TrainingActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '30 seconds',
});

/** The latest fifth of bar times is held out for evaluation (docs/architecture.md, Forecasts and the promotion gate). */
const HOLDOUT_FRACTION = 0.2;

export interface TrainingWorkflowConfig {
  endpointName: string;
  interval: string;
  horizon: number;
  /** Quantile levels the model forecasts (absent in runs started before quantiles: one value). */
  quantiles?: number[];
}

/** "v20261124-153012": sortable, and one per run start. */
function versionOf(start: Date): string {
  const iso = start.toISOString();
  return `v${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}

/** The innermost message of a failure chain (child workflow → activity → the error it threw). */
function rootCause(error: Error): string {
  let inner = error;
  while (inner.cause instanceof Error) inner = inner.cause;
  return inner.message;
}

/**
 * Stages a rejected candidate as the challenger. The rejection stands either way. A staging
 * that fails marks the candidate, so it is never chosen again (a challenger that cannot serve
 * would fail every later deployment it rides along with); one that finds a deployment running
 * is only logged, and the next deployment stages the latest candidate.
 */
async function stageChallenger(endpointName: string, candidate: string): Promise<void> {
  try {
    await executeChild(stageChallengerWorkflow, {
      workflowId: deployWorkflowId(endpointName),
      args: [{ candidate }],
    });
  } catch (error) {
    log.warn('the rejected candidate was not staged as the challenger', { candidate, error: String(error) });
    if (error instanceof ChildWorkflowFailure)
      await quick.updateModel({ version: candidate, change: { challengerFailure: rootCause(error) } });
  }
}

/**
 * One retraining: export the dataset from stored bars → SageMaker training job → evaluate
 * the candidate and the model in service on the same walk-forward holdout → promote through
 * the deployment workflow, or reject (and stage as the challenger) → every step recorded in
 * the model registry.
 */
export async function trainingWorkflow(
  input: TrainingWorkflowInput & { config: TrainingWorkflowConfig },
): Promise<TrainingResult> {
  const info = workflowInfo();
  const version = versionOf(info.runStartTime);
  const { horizon, endpointName, interval } = input.config;
  const hyperparameters = {
    ...(input.config.quantiles ? { quantiles: input.config.quantiles.join(',') } : {}),
    ...input.hyperparameters,
  };
  // An override may ask for a point model (quantiles=""): the container then writes one column.
  const quantiles = hyperparameters.quantiles ? hyperparameters.quantiles.split(',').map(Number) : undefined;
  upsertSearchAttributes([{ key: MODEL_VERSION, value: version }]);
  await quick.recordModel({
    version,
    createdAt: info.runStartTime.toISOString(),
    workflowId: info.workflowId,
    trigger: input.trigger,
    interval,
    horizon,
    decision: 'training',
    reason: 'training in progress',
    hyperparameters,
  });

  const fail = async (reason: string): Promise<never> => {
    await quick.updateModel({ version, change: { decision: 'failed', reason } });
    throw ApplicationFailure.nonRetryable(reason, 'TrainingFailed');
  };

  const dataset = await heavy
    .exportDataset({ version, interval, horizon, holdoutFraction: HOLDOUT_FRACTION })
    .catch((e: Error) => fail(`dataset export failed: ${e.message}`));
  const jobName = await quick.startTrainingJob({ version, dataset, hyperparameters });
  await quick.updateModel({ version, change: { trainingJob: jobName, dataset } });
  const job = await waitForJob.awaitTrainingJob(jobName);
  if (job.status !== 'Completed' || !job.artifact)
    return fail(`training job ${jobName} ${job.status}: ${job.failureReason ?? 'no model artifact'}`);

  const evaluation = await heavy.evaluateCandidate({
    version,
    jobName,
    dataset,
    horizon,
    ...(quantiles ? { quantiles } : {}),
  });
  const evaluated = {
    metrics: evaluation.metrics,
    incumbent: evaluation.incumbent,
    holdoutSample: evaluation.holdoutSample,
    ...(evaluation.perTicker ? { perTicker: evaluation.perTicker } : {}),
    artifact: job.artifact,
  };
  if (!evaluation.promote) {
    await quick.updateModel({ version, change: { ...evaluated, decision: 'rejected', reason: evaluation.reason } });
    if (patched('challenger-variant')) await stageChallenger(endpointName, version);
    return {
      version,
      decision: 'rejected',
      reason: evaluation.reason,
      metrics: evaluation.metrics,
      incumbent: evaluation.incumbent,
    };
  }
  await quick.updateModel({ version, change: { ...evaluated, reason: `${evaluation.reason}; deploying` } });
  try {
    await executeChild(deployModelWorkflow, {
      workflowId: deployWorkflowId(endpointName),
      args: [{ version, reason: `promotion: ${evaluation.reason}` }],
    });
  } catch (error) {
    return fail(
      `${evaluation.reason}, but the deployment failed: ${error instanceof Error ? rootCause(error) : String(error)}`,
    );
  }
  await quick.updateModel({ version, change: { decision: 'promoted', reason: evaluation.reason } });
  return {
    version,
    decision: 'promoted',
    reason: evaluation.reason,
    metrics: evaluation.metrics,
    incumbent: evaluation.incumbent,
  };
}
