import { log } from '@temporalio/activity';
import { versionInService } from '../../clients/sagemaker-endpoint';
import { liveScores } from '../../domain/live-scores';
import type { TrainingDeps } from './deps';

/**
 * Scores the model in service on every bar of its interval stored after its training data
 * ended, and keeps the scores in its registry row. Reads each series' bars and predictions
 * since then (one range query each per series).
 */
export function scoreModelInServiceActivity(deps: TrainingDeps) {
  return async function scoreModelInService(): Promise<{ version: string | null; rows: number }> {
    const version = await versionInService(deps.aws.sagemaker, deps.config.sagemaker.endpointName);
    const record = version ? await deps.registry.get(version) : undefined;
    if (!version || !record?.dataset) return { version, rows: 0 };
    const since = Date.parse(record.dataset.dataEnd);
    const series = (await deps.series.list()).filter((s) => s.interval === record.interval);
    const inputs = await Promise.all(
      series.map(async ({ ticker, interval }) => ({
        bars: await deps.bars.range(ticker, interval, since + 1),
        predictions: await deps.predictions.range(ticker, interval, since + 1),
      })),
    );
    const levels = record.hyperparameters.quantiles
      ? record.hyperparameters.quantiles.split(',').map(Number)
      : undefined;
    const live = liveScores(
      inputs,
      { version, since, horizon: record.horizon, ...(levels ? { levels } : {}) },
      Date.now(),
    );
    await deps.registry.update(version, { live });
    log.info('live scores', { version, series: series.length, ...live });
    return { version, rows: live.rows };
  };
}
