import { log } from '@temporalio/activity';
import { PublishCommand } from '@aws-sdk/client-sns';
import { versionInService } from '../../clients/sagemaker-endpoint';
import { liveScores, type LiveScores } from '../../domain/live-scores';
import type { LiveScoringResult } from '../../workflows/training-contracts';
import type { TrainingDeps } from './deps';

type Recent = NonNullable<LiveScores['recent']>;

/** The model-in-service alert, on the alerts topic next to the price alerts. */
async function publishModelAlert(deps: TrainingDeps, version: string, recent: Recent): Promise<void> {
  const message = {
    kind: 'model-worse-than-baseline',
    version,
    message: `model ${version} in service did worse than the baseline over its last ${recent.bars} forecasts (pinball / baseline ${recent.pinballRatio?.toFixed(4) ?? '-'}, MAE / random walk ${recent.maeRatio?.toFixed(4) ?? '-'}): retrain (tickflow train --wait) or roll back (tickflow rollback)`,
    ...recent,
  };
  await deps.aws.sns.send(
    new PublishCommand({
      TopicArn: await deps.alertsTopicArn(),
      Subject: `tickflow alert: model ${version} worse than the baseline`,
      Message: JSON.stringify(message),
      MessageAttributes: { kind: { DataType: 'String', StringValue: message.kind } },
    }),
  );
}

/**
 * Scores the model in service on every bar of its interval stored after its training data
 * ended, and keeps the scores in its registry row. Reads each series' bars and predictions
 * since then (one range query each per series). When its newest `TICKFLOW_MODEL_ALERT_BARS`
 * forecasts turn worse than the baseline, publishes the alert once (again only after they
 * recover); published before the row is updated, so a retry repeats it rather than loses it.
 */
export function scoreModelInServiceActivity(deps: TrainingDeps) {
  return async function scoreModelInService(): Promise<LiveScoringResult> {
    const version = await versionInService(deps.aws.sagemaker, deps.config.sagemaker.endpointName);
    const record = version ? await deps.registry.get(version) : undefined;
    if (!version || !record?.dataset) return { version, rows: 0, alerted: false };
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
    const model = { version, since, horizon: record.horizon, ...(levels ? { levels } : {}) };
    const live = liveScores(inputs, model, Date.now(), deps.config.model.alertBars);
    const alerted = Boolean(live.recent?.worseThanBaseline && !record.live?.recent?.worseThanBaseline);
    if (alerted) await publishModelAlert(deps, version, live.recent!);
    await deps.registry.update(version, { live });
    log.info('live scores', { version, series: series.length, alerted, ...live });
    return { version, rows: live.rows, alerted };
  };
}
