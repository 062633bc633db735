import { featureRows, FEATURE_LOOKBACK, type FeatureRow } from '../domain/features';
import { forecastOf, type Prediction } from '../store/predictions-store';
import type { PredictBarsInput, PredictBarsResult } from '../workflows/ingest-contracts';
import type { IngestDeps } from './deps';
import { countRetry } from './failure-kind';
import { invokeModel, type ModelAnswer } from './invoke-model';

/** Bars per activity: a long backlog (endpoint down for hours) is worked off in steps. */
const MAX_BARS = 2000;

/**
 * Predicts stored bars that have no prediction yet: features by the same definition the model
 * was trained with (history included), one batched InvokeEndpoint, each forecast written into
 * its bar's item, then the series' watermark. Throws while the endpoint is down or has no
 * model, so the caller's retry waits it out.
 */
export async function predictStoredBars(deps: IngestDeps, input: PredictBarsInput): Promise<PredictBarsResult> {
  const { ticker, interval, horizon } = input;
  const bars = (await deps.bars.range(ticker, interval, (input.after ?? -1) + 1, input.through)).slice(0, MAX_BARS);
  const first = bars[0];
  const last = bars[bars.length - 1];
  if (!first || !last) return { predicted: 0, predictedThrough: input.through, modelVersion: 'none' };
  const history = await deps.bars.lastBefore(ticker, interval, first.t, FEATURE_LOOKBACK);
  const rows = featureRows(bars, horizon, history);
  const answer = await timedInvoke(
    deps,
    rows.map((r) => r.features),
  );
  const predictedAt = Date.now();
  const predictions = rows.map((row, i) => predictionAt(ticker, interval, horizon, row, answer, i, predictedAt));
  // The whole item again, as read: a replay, the one other writer of stored bars, runs in the ticker's workflow, never beside this.
  await deps.bars.put(bars.map((bar, i) => ({ ...bar, prediction: forecastOf(predictions[i]!) })));
  deps.metrics.forecastsStored(
    ticker,
    interval,
    bars.map((b) => b.t),
    Date.now(),
  );
  await deps.alerts.afterPredictions(ticker, interval, predictions);
  await deps.series.predicted(ticker, interval, last.t);
  return { predicted: bars.length, predictedThrough: last.t, modelVersion: answer.modelVersion };
}

/** A ticker workflow's backlog step: predictStoredBars as an activity. */
export function predictBarsActivity(deps: IngestDeps) {
  return async function predictBars(input: PredictBarsInput): Promise<PredictBarsResult> {
    countRetry(deps, 'predictBars');
    return predictStoredBars(deps, input);
  };
}

/** The stored form of the model's answer for one feature row (the answer's `index`-th). */
export function predictionAt(
  ticker: string,
  interval: string,
  horizon: number,
  row: Pick<FeatureRow, 't' | 'close'>,
  answer: ModelAnswer,
  index: number,
  predictedAt: number,
): Prediction {
  const predictedReturn = answer.predictions[index]!;
  const range = answer.quantiles && {
    quantileLevels: answer.quantiles.levels,
    quantileCloses: answer.quantiles.values[index]!.map((r) => row.close * Math.exp(r)),
  };
  return {
    ticker,
    interval,
    t: row.t,
    horizon,
    predictedReturn,
    predictedClose: row.close * Math.exp(predictedReturn),
    ...range,
    modelVersion: answer.modelVersion,
    predictedAt,
  };
}

export async function timedInvoke(
  deps: IngestDeps,
  rows: Parameters<typeof invokeModel>[2],
  timeoutMs?: number,
): Promise<ModelAnswer> {
  const endpoint = deps.config.sagemaker.endpointName;
  const started = performance.now();
  try {
    const answer = await invokeModel(deps.sagemakerRuntime, endpoint, rows, {
      abortSignal: timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs),
    });
    deps.metrics.endpointCall(endpoint, performance.now() - started, true);
    return answer;
  } catch (error) {
    deps.metrics.endpointCall(endpoint, performance.now() - started, false);
    throw error;
  }
}
