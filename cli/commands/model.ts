import type { Command } from 'commander';
import type { WorkflowHandle } from '@temporalio/client';
import { withContext, type CliContext } from '../context';
import { ModelRegistry } from '../../store/model-registry';
import { variantsInService } from '../../clients/sagemaker-endpoint';
import type { TrainingResult } from '../../workflows/training-contracts';
import type { ForecastMetrics } from '../../domain/forecast-metrics';
import {
  deployVersion,
  describeTrainingSchedule,
  modelSummary,
  tickerSummary,
  rollbackTarget,
  startTraining,
} from '../../operations/models';
import { emit, table } from '../output';
import { workflowUrl } from '../../clients/temporal-ui';

type Context = CliContext & { registry: ModelRegistry };

const withRegistry = <T>(work: (context: Context) => Promise<T>): Promise<T> =>
  withContext((context) =>
    work({ ...context, registry: new ModelRegistry(context.aws.documents, context.config.tables.models) }),
  );

function parseHyperparameter(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const match = /^([a-z_]+)=(.+)$/.exec(value);
  if (!match) throw new Error(`--hyperparameter expects name=value, got "${value}"`);
  return { ...previous, [match[1]!]: match[2]! };
}

/** Prints the evaluation of a finished training run: the candidate, the incumbent and the random walk side by side. */
export function evaluationTable(result: TrainingResult): string {
  const rows = [
    { model: `candidate ${result.version}`, m: result.metrics },
    ...(result.incumbent ? [{ model: `in service ${result.incumbent.version}`, m: result.incumbent.metrics }] : []),
  ].filter((r) => r.m);
  const lines = rows.map(({ model, m }) => ({
    model,
    'holdout rows': m!.rows,
    MAE: m!.mae.toFixed(5),
    'MAE / random walk': m!.maeRatio.toFixed(4),
    'RMSE / random walk': m!.rmseRatio.toFixed(4),
    MASE: m!.mase.toFixed(4),
    'hit rate': `${(m!.hitRate * 100).toFixed(1)}%`,
    'up-move base rate': `${(m!.upRate * 100).toFixed(1)}%`,
    'rank IC': m!.rankIc.toFixed(3),
    'Diebold–Mariano': m!.dmStat?.toFixed(2) ?? '-',
    'DM p (HLN)': m!.dmPValue?.toFixed(3) ?? '-',
    'Pesaran–Timmermann p': m!.ptPValue?.toFixed(3) ?? '-',
  }));
  // The random walk's own row, derived from the candidate's ratios on the same holdout.
  const c = rows[0]?.m;
  const randomWalk = c
    ? [
        {
          model: 'random walk (baseline)',
          'holdout rows': c.rows,
          MAE: (c.mae / c.maeRatio).toFixed(5),
          'MAE / random walk': '1.0000',
          'RMSE / random walk': '1.0000',
          MASE: (c.mase / c.maeRatio).toFixed(4),
          'hit rate': '-',
          'up-move base rate': `${(c.upRate * 100).toFixed(1)}%`,
          'rank IC': '-',
          'Diebold–Mariano': '-',
          'DM p (HLN)': '-',
          'Pesaran–Timmermann p': '-',
        },
      ]
    : [];
  const ranges = rangeTable(rows);
  return `point forecast (the median) against the random walk:\n${table([...lines, ...randomWalk])}${ranges ? `\n\nrange forecast against the baseline's (random walk, RiskMetrics range):\n${ranges}` : ''}\n\ndecision: ${result.decision} — ${result.reason}`;
}

/** The quantile models' scores against the baseline's range, with the baseline's own row; empty without quantiles. */
function rangeTable(rows: Array<{ model: string; m: ForecastMetrics | undefined }>): string {
  const scored = rows.filter((r) => r.m?.pinballRatio !== undefined);
  const c = scored[0]?.m;
  if (!c) return '';
  const pct = (x: number | undefined) => (x === undefined ? '-' : `${(x * 100).toFixed(1)}%`);
  return table([
    ...scored.map(({ model, m }) => ({
      model,
      rows: m!.quantileRows ?? '-',
      pinball: m!.pinball?.toFixed(6) ?? '-',
      'pinball / baseline': m!.pinballRatio!.toFixed(4),
      [`coverage (nominal ${pct(c.coverageNominal)})`]: pct(m!.coverage),
      'coverage p': m!.coveragePValue?.toFixed(3) ?? '-',
      'width / baseline': m!.widthRatio?.toFixed(4) ?? '-',
      'Winkler / baseline': m!.intervalScoreRatio?.toFixed(4) ?? '-',
      'DM p vs baseline': m!.dmPinballPValue?.toFixed(3) ?? '-',
    })),
    {
      model: 'baseline',
      rows: c.quantileRows ?? '-',
      pinball: (c.pinball! / c.pinballRatio!).toFixed(6),
      'pinball / baseline': '1.0000',
      [`coverage (nominal ${pct(c.coverageNominal)})`]: '-',
      'coverage p': '-',
      'width / baseline': '1.0000',
      'Winkler / baseline': '1.0000',
      'DM p vs baseline': '-',
    },
  ]);
}

export function registerModelCommands(program: Command): void {
  program
    .command('train')
    .description(
      'start a training run now (export → SageMaker training → evaluate → promote or reject), through the same workflow as the Schedule',
    )
    .option('--wait', 'wait for the run to finish and print its evaluation')
    .option(
      '--hyperparameter <name=value>',
      'override a model hyperparameter (repeatable), e.g. --hyperparameter max_depth=4',
      parseHyperparameter,
    )
    .option('--json', 'print JSON')
    .action(async (options: { wait?: boolean; hyperparameter?: Record<string, string>; json?: boolean }) => {
      await withRegistry(async ({ config, temporal }) => {
        const handle = await startTraining(temporal, config, {
          trigger: 'manual',
          ...(options.hyperparameter ? { hyperparameters: options.hyperparameter } : {}),
        });
        process.stderr.write(`training run ${handle.workflowId} started: ${workflowUrl(config, handle.workflowId)}\n`);
        if (!options.wait)
          return emit(options.json, { workflowId: handle.workflowId }, () => `follow it with: tickflow models`);
        const result = await waitWithProgress(handle);
        emit(options.json, result, () => evaluationTable(result));
      });
    });

  program
    .command('schedule')
    .description('show the retraining Schedule: interval, next runs, recent runs and their results')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withRegistry(async ({ temporal, config }) => {
        const schedule = await describeTrainingSchedule(temporal);
        emit(options.json, schedule, () =>
          [
            `schedule ${schedule.id}: every ${schedule.every}${schedule.paused ? ' (paused)' : ''}`,
            `next runs: ${schedule.nextRuns.join(', ') || '-'}`,
            `recent runs:\n${table(schedule.recent.map((r) => ({ scheduled: r.scheduledAt, status: r.status ?? '?', workflow: workflowUrl(config, r.workflowId) })))}`,
          ].join('\n'),
        );
      });
    });

  program
    .command('models')
    .description(
      'list the model registry: versions, data ranges, holdout scores vs the random walk and the baseline, decisions and reasons',
    )
    .option('--json', 'print JSON')
    .option('--per-ticker <version>', "one model's holdout scores ticker by ticker instead")
    .action(async (options: { json?: boolean; perTicker?: string }) => {
      await withRegistry(async ({ config, aws, registry }) => {
        if (options.perTicker) {
          const model = await registry.get(options.perTicker);
          if (!model) throw new Error(`no model ${options.perTicker} in the registry (see \`tickflow models\`)`);
          const rows = model.perTicker ?? [];
          emit(options.json, rows, () =>
            rows.length
              ? table(rows.map(tickerSummary))
              : `model ${model.version} has no per-ticker scores (trained before they were kept, or not evaluated)`,
          );
          return;
        }
        const [models, onEndpoint] = await Promise.all([
          registry.list(),
          variantsInService(aws.sagemaker, config.sagemaker.endpointName),
        ]);
        emit(options.json, { inService: onEndpoint.champion, challenger: onEndpoint.challenger, models }, () =>
          models.length === 0
            ? 'no models yet: train one with `tickflow train --wait`'
            : `${table(models.map((m) => modelSummary(m, onEndpoint)))}\n\n● = serving on endpoint ${config.sagemaker.endpointName}; ○ = its challenger (weight 0, scored live on the same bars)`,
        );
      });
    });

  program
    .command('promote <version>')
    .description('put a registered model version behind the endpoint (blue/green), through the deployment workflow')
    .action(async (version: string) => {
      await withRegistry(async ({ config, temporal, registry }) => {
        const handle = await deployVersion(temporal, config, registry, version, 'manual promotion (tickflow promote)');
        process.stderr.write(`deploying ${version}: ${workflowUrl(config, handle.workflowId)}\n`);
        const result = await handle.result();
        process.stdout.write(`${result.version} is serving${result.previous ? ` (was ${result.previous})` : ''}\n`);
      });
    });

  program
    .command('rollback')
    .description('put the previously deployed model version back behind the endpoint')
    .action(async () => {
      await withRegistry(async ({ config, temporal, registry }) => {
        const { from, to } = await rollbackTarget(registry);
        const handle = await deployVersion(temporal, config, registry, to, `rollback from ${from} (tickflow rollback)`);
        process.stderr.write(`rolling back ${from} → ${to}: ${workflowUrl(config, handle.workflowId)}\n`);
        await handle.result();
        process.stdout.write(`${to} is serving again (was ${from})\n`);
      });
    });
}

/** A run's result, with a line every 10 s meanwhile (training takes a minute or more). */
export async function waitWithProgress(handle: WorkflowHandle): Promise<TrainingResult> {
  const started = Date.now();
  const timer = setInterval(
    () => process.stderr.write(`  training… ${Math.round((Date.now() - started) / 1000)}s\n`),
    10_000,
  );
  try {
    return (await handle.result()) as TrainingResult;
  } finally {
    clearInterval(timer);
  }
}
