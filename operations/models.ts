import type { LiveScores } from '../domain/live-scores';
import type { EndpointVariants } from '../clients/sagemaker-endpoint';
import type { TickerScores } from '../domain/holdout-scores';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import type { TickflowConfig } from '../config/config';
import type { ModelRecord, ModelRegistry } from '../store/model-registry';
import { deployModelWorkflow } from '../workflows/deploy-model';
import { deployWorkflowId, TRAINING_SCHEDULE_ID } from '../workflows/workflow-ids';
import { trainingWorkflow } from '../workflows/training';
import { trainingWorkflowConfig } from '../workers/training-schedule';

/** Model operations shared by the CLI (and the API): every change goes through a workflow. */

export function startTraining(
  temporal: Client,
  config: TickflowConfig,
  options: { trigger: string; hyperparameters?: Record<string, string> },
): Promise<WorkflowHandle<typeof trainingWorkflow>> {
  return temporal.workflow.start(trainingWorkflow, {
    workflowId: `training-${options.trigger}-${Date.now()}`,
    taskQueue: config.model.trainingTaskQueue,
    args: [
      {
        trigger: options.trigger,
        ...(options.hyperparameters ? { hyperparameters: options.hyperparameters } : {}),
        config: trainingWorkflowConfig(config),
      },
    ],
  });
}

/** Why a model operation was refused: the thing named does not exist, or the registry's state forbids it now. */
export type ModelOperationRefusal = 'not-found' | 'conflict';

export class ModelOperationError extends Error {
  override name = 'ModelOperationError';
  constructor(
    message: string,
    readonly refusal: ModelOperationRefusal,
  ) {
    super(message);
  }
}

/** Deploys a registered version through the same workflow a promotion uses; one deployment at a time. */
export async function deployVersion(
  temporal: Client,
  config: TickflowConfig,
  registry: ModelRegistry,
  version: string,
  reason: string,
) {
  const record = await registry.get(version);
  if (!record)
    throw new ModelOperationError(`no model ${version} in the registry (see \`tickflow models\`)`, 'not-found');
  if (!record.artifact)
    throw new ModelOperationError(
      `model ${version} has no artifact (its training ${record.decision === 'failed' ? 'failed' : 'is not finished'}); it cannot be deployed`,
      'conflict',
    );
  try {
    return await temporal.workflow.start(deployModelWorkflow, {
      workflowId: deployWorkflowId(config.sagemaker.endpointName),
      taskQueue: config.model.trainingTaskQueue,
      args: [{ version, reason }],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError)
      throw new ModelOperationError(
        'a deployment is already running on this endpoint; wait for it to finish',
        'conflict',
      );
    throw error;
  }
}

/** The version that served before the current one, by the deployment log. */
export async function rollbackTarget(registry: ModelRegistry): Promise<{ from: string; to: string }> {
  const [current, ...earlier] = await registry.deployments();
  if (!current)
    throw new ModelOperationError('nothing has been deployed yet, so there is nothing to roll back to', 'conflict');
  const target = earlier.find((d) => d.version !== current.version);
  if (!target)
    throw new ModelOperationError(
      `${current.version} is the only model ever deployed; there is nothing to roll back to`,
      'conflict',
    );
  return { from: current.version, to: target.version };
}

export interface ScheduleSummary {
  id: string;
  every: string;
  paused: boolean;
  nextRuns: string[];
  recent: Array<{ workflowId: string; scheduledAt: string; status?: string }>;
}

export async function describeTrainingSchedule(temporal: Client): Promise<ScheduleSummary> {
  const description = await temporal.schedule.getHandle(TRAINING_SCHEDULE_ID).describe();
  const interval = description.spec.intervals?.[0]?.every;
  const recent = await Promise.all(
    description.info.recentActions.map(async (action) => {
      const workflowId = action.action.workflow.workflowId;
      const status = await temporal.workflow
        .getHandle(workflowId, action.action.workflow.firstExecutionRunId)
        .describe()
        .then(
          (d) => d.status.name,
          () => undefined,
        );
      return { workflowId, scheduledAt: action.scheduledAt.toISOString(), ...(status ? { status } : {}) };
    }),
  );
  return {
    id: TRAINING_SCHEDULE_ID,
    every: typeof interval === 'number' ? `${interval / 3_600_000} hours` : String(interval),
    paused: description.state.paused,
    nextRuns: description.info.nextActionTimes.slice(0, 3).map((d) => d.toISOString()),
    recent,
  };
}

/** The registry row for humans: metrics as ratios to the random walk. */
/** A model's live record in a cell: rows scored, then its range and median against the baselines. */
function liveSummary(live: LiveScores | undefined): string {
  if (!live) return '-';
  if (live.rows === 0) return 'no scored bars yet';
  const part = (label: string, x: number | null, digits = 3) => (x === null ? [] : [`${label} ${x.toFixed(digits)}`]);
  return [
    `${live.rows} bars`,
    ...part('pinball/baseline', live.pinballRatio),
    ...(live.coverage === null ? [] : [`coverage ${(live.coverage * 100).toFixed(0)}%`]),
    ...part('MAE/RW', live.maeRatio),
  ].join(', ');
}

/** One ticker's holdout scores as a table row (`tickflow models --per-ticker`). */
export function tickerSummary(t: TickerScores) {
  const f = (x: number | null, digits = 4) => (x === null ? '-' : x.toFixed(digits));
  return {
    ticker: t.ticker,
    rows: t.rows,
    'MAE/RW': f(t.maeRatio),
    'hit rate': `${(t.hitRate * 100).toFixed(1)}%`,
    'DM p': f(t.dmPValue, 3),
    'pinball/baseline': f(t.pinballRatio),
    coverage:
      t.coverage === null || t.coverageNominal === null
        ? '-'
        : `${(t.coverage * 100).toFixed(1)}% (of ${(t.coverageNominal * 100).toFixed(0)}%)`,
    'p vs baseline': f(t.dmPinballPValue, 3),
  };
}

export function modelSummary(record: ModelRecord, onEndpoint: EndpointVariants) {
  const m = record.metrics;
  const f = (x: number | undefined, digits = 4) => (x === undefined ? '-' : x.toFixed(digits));
  return {
    version: record.version,
    serving: record.version === onEndpoint.champion ? '●' : record.version === onEndpoint.challenger ? '○' : '',
    decision: record.decision,
    data: record.dataset ? `${record.dataset.dataStart.slice(0, 10)}…${record.dataset.dataEnd.slice(0, 10)}` : '-',
    'MAE/RW': f(m?.maeRatio),
    'RMSE/RW': f(m?.rmseRatio),
    MASE: f(m?.mase),
    'hit rate': m ? `${(m.hitRate * 100).toFixed(1)}% (up ${(m.upRate * 100).toFixed(1)}%)` : '-',
    'rank IC': f(m?.rankIc, 3),
    DM: f(m?.dmStat, 2),
    'pinball/baseline': f(m?.pinballRatio),
    coverage:
      m?.coverage === undefined || m.coverageNominal === undefined
        ? '-'
        : `${(m.coverage * 100).toFixed(1)}% (of ${(m.coverageNominal * 100).toFixed(0)}%)`,
    'p vs baseline': f(m?.dmPinballPValue, 3),
    live: liveSummary(record.live),
    reason: record.challengerFailure
      ? `${record.reason}; could not serve as the challenger: ${record.challengerFailure}`
      : record.reason,
  };
}
