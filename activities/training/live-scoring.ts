import { Context, log } from '@temporalio/activity';
import { PublishCommand } from '@aws-sdk/client-sns';
import { variantsInService, versionInService } from '../../clients/sagemaker-endpoint';
import { featureRows, FEATURE_LOOKBACK } from '../../domain/features';
import {
  advanceLiveScoring,
  liveScoresOf,
  type LiveRow,
  type LiveScores,
  type SeriesLiveProgress,
} from '../../domain/live-scores';
import { seriesKey } from '../../domain/series-key';
import type { ModelRecord } from '../../store/model-registry';
import type { ForecastReader } from '../../store/bars-store';
import type { Prediction } from '../../store/predictions-store';
import type { SeriesTable } from '../../store/series-table';
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
 * Moves `record`'s live scores on: per series, only the bars and forecasts after where the
 * last pass stopped (one range query each), whose tallies are kept per series
 * (LiveScoringStore); the pooled scores then go to the model's row. With `alertBars`, each series' newest
 * that many bars are read apart too, for the alert's window.
 */
async function scoreOnLiveBars(
  deps: TrainingDeps,
  record: Scorable,
  forecasts: ForecastReader,
  alertBars = 0,
): Promise<LiveScores> {
  const since = Date.parse(record.dataset.dataEnd);
  const levels = record.hyperparameters.quantiles?.split(',').map(Number);
  const model = { version: record.version, since, horizon: record.horizon, ...(levels ? { levels } : {}) };
  const series = await seriesOf(deps, record);
  const stored = await deps.liveScoring.progress(record.version, series);
  const progress: SeriesLiveProgress[] = [];
  const moved: Array<{ ticker: string; interval: string; progress: SeriesLiveProgress }> = [];
  const recentRows: LiveRow[] = [];
  await eachLimited(series, PARALLEL_SERIES, async ({ ticker, interval }) => {
    const before = stored.get(seriesKey(ticker, interval));
    const from = (before?.through ?? since) + 1;
    const [bars, predictions] = await Promise.all([
      deps.bars.range(ticker, interval, from),
      forecasts.range(ticker, interval, from),
    ]);
    const after = advanceLiveScoring(before, { bars, predictions }, model).progress;
    progress.push(after);
    if (after.through !== (before?.through ?? since)) moved.push({ ticker, interval, progress: after });
    if (alertBars > 0) recentRows.push(...(await newestRows(deps, forecasts, { ticker, interval }, model, alertBars)));
    Context.current().heartbeat(progress.length);
  });
  await deps.liveScoring.put(record.version, moved);
  return liveScoresOf(progress, model, Date.now(), { rows: recentRows, alertBars });
}

/** A series' newest `count` scored forecasts (after the training data): its part of the alert's window. */
async function newestRows(
  deps: TrainingDeps,
  forecasts: ForecastReader,
  { ticker, interval }: { ticker: string; interval: string },
  model: Parameters<typeof advanceLiveScoring>[2],
  count: number,
): Promise<LiveRow[]> {
  const window = count + model.horizon;
  const [bars, predictions] = await Promise.all([
    deps.bars.lastBefore(ticker, interval, Number.MAX_SAFE_INTEGER, window),
    forecasts.lastBefore(ticker, interval, Number.MAX_SAFE_INTEGER, window),
  ]);
  const first = bars[0];
  if (!first) return [];
  const since = Math.max(model.since, first.t - 1);
  return advanceLiveScoring(undefined, { bars, predictions }, { ...model, since }).rows;
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
    const live = await scoreOnLiveBars(deps, record, deps.bars.forecasts, deps.config.model.alertBars);
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
  forecasts: SeriesTable<Prediction>,
  series: { ticker: string; interval: string },
): Promise<number> {
  const { ticker, interval } = series;
  const newest = await forecasts.latest(ticker, interval);
  const from = Math.max(Date.parse(record.dataset.dataEnd), newest?.t ?? 0) + 1;
  const bars = (await deps.bars.range(ticker, interval, from)).slice(0, CHALLENGER_BARS_PER_PASS);
  if (!bars.length) return 0;
  const history = await deps.bars.lastBefore(ticker, interval, bars[0]!.t, FEATURE_LOOKBACK);
  const rows = featureRows(bars, record.horizon, history);
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
    const forecasts = deps.challengerForecasts(challenger);
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
