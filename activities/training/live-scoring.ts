import { Context, log } from '@temporalio/activity';
import { PublishCommand } from '@aws-sdk/client-sns';
import { variantsInService, versionInService } from '../../clients/sagemaker-endpoint';
import { featureRows, FEATURE_LOOKBACK } from '../../domain/features';
import { liveScores, type LiveScores } from '../../domain/live-scores';
import type { ModelRecord } from '../../store/model-registry';
import type { PredictionsStore } from '../../store/predictions-store';
import type { LiveScoringResult } from '../../workflows/training-contracts';
import { eachLimited } from '../each-limited';
import { invokeModel } from '../invoke-model';
import { predictionAt } from '../predict-bars';
import type { TrainingDeps } from './deps';

type Recent = NonNullable<LiveScores['recent']>;
type Scorable = ModelRecord & { dataset: NonNullable<ModelRecord['dataset']> };

/** Series read at once while scoring. */
const PARALLEL_SERIES = 8;
/** Bars per series the challenger forecasts in one pass: a long backlog is worked off over passes. */
const CHALLENGER_BARS_PER_PASS = 2000;

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

async function scorableRecord(deps: TrainingDeps, version: string | null): Promise<Scorable | undefined> {
  const record = version ? await deps.registry.get(version) : undefined;
  return record?.dataset ? (record as Scorable) : undefined;
}

const seriesOf = async (deps: TrainingDeps, record: Scorable) =>
  (await deps.series.list()).filter((s) => s.interval === record.interval);

/**
 * Scores `record`'s version on every bar of its interval stored after its training data ended,
 * from the forecasts in `forecasts` (one range query each for bars and forecasts per series).
 */
async function scoreOnLiveBars(
  deps: TrainingDeps,
  record: Scorable,
  forecasts: PredictionsStore,
  alertBars?: number,
): Promise<LiveScores> {
  const since = Date.parse(record.dataset.dataEnd);
  const inputs: Parameters<typeof liveScores>[0][number][] = [];
  await eachLimited(await seriesOf(deps, record), PARALLEL_SERIES, async ({ ticker, interval }) => {
    const [bars, predictions] = await Promise.all([
      deps.bars.range(ticker, interval, since + 1),
      forecasts.range(ticker, interval, since + 1),
    ]);
    inputs.push({ bars, predictions });
    Context.current().heartbeat(inputs.length);
  });
  const levels = record.hyperparameters.quantiles?.split(',').map(Number);
  const model = { version: record.version, since, horizon: record.horizon, ...(levels ? { levels } : {}) };
  return liveScores(inputs, model, Date.now(), alertBars);
}

/**
 * Scores the model in service on the bars after its training data, from the forecasts the
 * data plane stored, and keeps the scores in its registry row. When its newest
 * `TICKFLOW_MODEL_ALERT_BARS` forecasts turn worse than the baseline, publishes the alert once
 * (again only after they recover); published before the row is updated, so a retry repeats it
 * rather than loses it.
 */
export function scoreModelInServiceActivity(deps: TrainingDeps) {
  return async function scoreModelInService(): Promise<LiveScoringResult> {
    const version = await versionInService(deps.aws.sagemaker, deps.config.sagemaker.endpointName);
    const record = await scorableRecord(deps, version);
    if (!version || !record) return { version, rows: 0, alerted: false };
    const live = await scoreOnLiveBars(deps, record, deps.predictions, deps.config.model.alertBars);
    const alerted = Boolean(live.recent?.worseThanBaseline && !record.live?.recent?.worseThanBaseline);
    if (alerted) await publishModelAlert(deps, version, live.recent!);
    await deps.registry.update(version, { live });
    log.info('live scores', { version, alerted, ...live });
    return { version, rows: live.rows, alerted };
  };
}

/**
 * The challenger's forecasts for a series' bars it has not forecast yet (after its training
 * data), through its own variant (TargetVariant), kept apart from the champion's.
 */
async function forecastNewBars(
  deps: TrainingDeps,
  record: Scorable,
  forecasts: PredictionsStore,
  series: { ticker: string; interval: string },
): Promise<number> {
  const { ticker, interval } = series;
  const newest = await forecasts.latest(ticker, interval);
  const from = Math.max(Date.parse(record.dataset.dataEnd), newest?.t ?? 0) + 1;
  const bars = (await deps.bars.range(ticker, interval, from)).slice(0, CHALLENGER_BARS_PER_PASS);
  if (!bars.length) return 0;
  const history = await deps.bars.lastBefore(ticker, interval, bars[0]!.t, FEATURE_LOOKBACK);
  const rows = featureRows([...history, ...bars], record.horizon, history.length);
  const answer = await invokeModel(
    deps.aws.sagemakerRuntime,
    deps.config.sagemaker.endpointName,
    rows.map((r) => r.features),
    { targetVariant: record.version },
  );
  if (answer.modelVersion !== record.version)
    throw new Error(`the challenger variant answered as ${answer.modelVersion}, expected ${record.version}`);
  const at = Date.now();
  await forecasts.put(rows.map((row, i) => predictionAt(ticker, interval, record.horizon, row, answer, i, at)));
  return rows.length;
}

/**
 * Scores the challenger staged beside the model in service as the champion is scored: it
 * forecasts the bars after its training data (only those it has not yet, through its own
 * variant), then the same scores go to its registry row. No alert: it serves no one.
 */
export function scoreChallengerActivity(deps: TrainingDeps) {
  return async function scoreChallenger(): Promise<Omit<LiveScoringResult, 'alerted'>> {
    const { challenger } = await variantsInService(deps.aws.sagemaker, deps.config.sagemaker.endpointName);
    const record = await scorableRecord(deps, challenger);
    if (!challenger || !record) return { version: challenger, rows: 0 };
    const forecasts = deps.predictions.ofChallenger(challenger);
    let forecast = 0;
    await eachLimited(await seriesOf(deps, record), PARALLEL_SERIES, async (series) => {
      forecast += await forecastNewBars(deps, record, forecasts, series);
      Context.current().heartbeat(forecast);
    });
    const live = await scoreOnLiveBars(deps, record, forecasts);
    await deps.registry.update(challenger, { live });
    log.info('challenger live scores', { version: challenger, forecast, ...live });
    return { version: challenger, rows: live.rows };
  };
}
