import { featureRows, FEATURE_LOOKBACK, type FeatureBar, type FeatureRow } from '../domain/features';
import type { BarInterval } from '../domain/market-event';
import type { Prediction } from '../store/predictions-store';
import type { PredictBarsInput, PredictBarsResult } from '../workflows/ingest-contracts';
import type { IngestDeps } from './deps';
import { countRetry } from './failure-kind';
import { invokeModel, type ModelAnswer } from './invoke-model';

/** Bars per activity: a long backlog (endpoint down for hours) is worked off in steps. */
const MAX_BARS = 2000;

/**
 * Predicts stored bars that have no prediction yet: features by the same definition the model
 * was trained with (history included), one batched InvokeEndpoint, predictions stored under
 * the bars' own keys, then the series' watermark. Throws while the endpoint is down or has no
 * model, so the caller's retry waits it out.
 */
export async function predictStoredBars(deps: IngestDeps, input: PredictBarsInput): Promise<PredictBarsResult> {
  const { ticker, interval, horizon } = input;
  const bars = (await deps.bars.range(ticker, interval, (input.after ?? -1) + 1, input.through)).slice(0, MAX_BARS);
  const first = bars[0];
  const last = bars[bars.length - 1];
  if (!first || !last) return { predicted: 0, predictedThrough: input.through, modelVersion: 'none' };
  const history = await deps.bars.lastBefore(ticker, interval, first.t, FEATURE_LOOKBACK);
  const { modelVersion } = await predictAndStore(deps, { ticker, interval, horizon, history, bars });
  await deps.series.predicted(ticker, interval, last.t);
  return { predicted: bars.length, predictedThrough: last.t, modelVersion };
}

/** A ticker workflow's backlog step: predictStoredBars as an activity. */
export function predictBarsActivity(deps: IngestDeps) {
  return async function predictBars(input: PredictBarsInput): Promise<PredictBarsResult> {
    countRetry(deps, 'predictBars');
    return predictStoredBars(deps, input);
  };
}

interface PredictRequest {
  ticker: string;
  interval: BarInterval;
  horizon: number;
  /** Stored bars before `bars`, oldest first: the history their features need. */
  history: readonly FeatureBar[];
  bars: readonly FeatureBar[];
  /** Gives up on the endpoint after this long (default: the client's own timeouts). */
  timeoutMs?: number;
}

/** Predicts `bars` with the model in service and stores the predictions, then checks prediction alerts. */
async function predictAndStore(deps: IngestDeps, request: PredictRequest): Promise<ModelAnswer> {
  const { ticker, interval, horizon, history, bars } = request;
  const rows = featureRows([...history, ...bars], horizon, history.length);
  const answer = await timedInvoke(
    deps,
    rows.map((r) => r.features),
    request.timeoutMs,
  );
  const predictedAt = Date.now();
  const predictions = rows.map((row, i) => predictionAt(ticker, interval, horizon, row, answer, i, predictedAt));
  await deps.predictions.put(predictions);
  await deps.alerts.afterPredictions(ticker, interval, predictions);
  return answer;
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
