import { baselineReturnQuantiles } from './baseline-forecast';
import { quantileMetrics } from './quantile-evaluation';

/** A stored bar as live scoring reads it. */
export interface ScoredBar {
  t: number;
  c: number;
  volatility?: number | null;
}

/** A stored prediction as live scoring reads it. */
export interface ScoredPrediction {
  t: number;
  modelVersion: string;
  predictedReturn: number;
  quantileLevels?: number[];
  quantileCloses?: number[];
}

/** How a model in service does on bars it never saw: those after its training data ended. */
export interface LiveScores {
  /** Forecasts scored: made after `since` by this version, with the actual close `horizon` bars later. */
  rows: number;
  since: string;
  /** The newest bar whose forecast was scored. */
  through: string | null;
  /** The median against the random walk: MAE ratio (< 1 beats it) and how often it had the direction right. */
  maeRatio: number | null;
  hitRate: number | null;
  /** The range against the baseline's on the same rows (quantile models only). */
  pinballRatio: number | null;
  coverage: number | null;
  coverageNominal: number | null;
  scoredAt: string;
  /** Over its newest `bars` scored forecasts only, and whether that is worse than the baseline (what the alert watches). */
  recent?: {
    bars: number;
    rows: number;
    pinballRatio: number | null;
    maeRatio: number | null;
    worseThanBaseline: boolean;
  };
}

interface LiveRow {
  t: number;
  actual: number;
  median: number;
  quantiles: number[] | null;
  baseline: number[] | null;
}

/**
 * The forecasts `version` made at bars after `since` whose outcome is known: per series, the
 * forward log return `horizon` bars on against the model's median and range (as returns) and
 * the baseline's range at that bar.
 */
function liveRows(
  series: ReadonlyArray<{ bars: readonly ScoredBar[]; predictions: readonly ScoredPrediction[] }>,
  version: string,
  since: number,
  horizon: number,
): LiveRow[] {
  return series.flatMap(({ bars, predictions }) => {
    const byTime = new Map(predictions.filter((p) => p.modelVersion === version).map((p) => [p.t, p]));
    return bars.flatMap((bar, i) => {
      const prediction = byTime.get(bar.t);
      const outcome = bars[i + horizon];
      if (bar.t <= since || !prediction || !outcome) return [];
      const levels = prediction.quantileLevels;
      const quantiles =
        levels && prediction.quantileCloses ? prediction.quantileCloses.map((close) => Math.log(close / bar.c)) : null;
      const baseline =
        levels && bar.volatility != null ? baselineReturnQuantiles(bar.volatility, horizon, levels) : null;
      return [
        { t: bar.t, actual: Math.log(outcome.c / bar.c), median: prediction.predictedReturn, quantiles, baseline },
      ];
    });
  });
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

type Model = { version: string; since: number; horizon: number; levels?: readonly number[] };

/**
 * Scores the model in service on live data, as the holdout was scored: the median against the
 * random walk, the range against the baseline on the same rows (needs two rows with both).
 * With `alertBars`, its newest that many forecasts (all series pooled) are scored apart too:
 * what the model-in-service alert watches.
 */
export function liveScores(
  series: ReadonlyArray<{ bars: readonly ScoredBar[]; predictions: readonly ScoredPrediction[] }>,
  model: Model,
  now: number,
  alertBars = 0,
): LiveScores {
  const rows = liveRows(series, model.version, model.since, model.horizon);
  const scores = scoreRows(rows, model, now);
  if (alertBars <= 0) return scores;
  const newest = scoreRows([...rows].sort((a, b) => a.t - b.t).slice(-alertBars), model, now);
  const { pinballRatio, maeRatio } = newest;
  const worse = worseThanBaseline(newest, alertBars);
  return {
    ...scores,
    recent: { bars: alertBars, rows: newest.rows, pinballRatio, maeRatio, worseThanBaseline: worse },
  };
}

function scoreRows(rows: readonly LiveRow[], model: Model, now: number): LiveScores {
  const randomWalkMae = mean(rows.map((r) => Math.abs(r.actual)));
  const ranged = rows.filter((r): r is LiveRow & { quantiles: number[]; baseline: number[] } =>
    Boolean(r.quantiles && r.baseline),
  );
  const levels = model.levels;
  const range =
    levels && ranged.length >= 2
      ? quantileMetrics(
          {
            actual: ranged.map((r) => r.actual),
            times: ranged.map((r) => r.t),
            horizon: model.horizon,
            levels,
            baseline: ranged.map((r) => r.baseline),
          },
          ranged.map((r) => r.quantiles),
        )
      : null;
  const directional = rows.filter((r) => r.actual !== 0 && r.median !== 0);
  return {
    rows: rows.length,
    since: new Date(model.since).toISOString(),
    through: rows.length ? new Date(Math.max(...rows.map((r) => r.t))).toISOString() : null,
    maeRatio:
      rows.length && randomWalkMae > 0 ? mean(rows.map((r) => Math.abs(r.actual - r.median))) / randomWalkMae : null,
    hitRate: directional.length
      ? directional.filter((r) => Math.sign(r.actual) === Math.sign(r.median)).length / directional.length
      : null,
    pinballRatio: range?.pinballRatio ?? null,
    coverage: range?.coverage ?? null,
    coverageNominal: range?.coverageNominal ?? null,
    scoredAt: new Date(now).toISOString(),
  };
}

/**
 * Whether the model in service did worse than the baseline over its newest `bars` forecasts:
 * its range's pinball loss above the baseline's (a point model: its MAE above the random
 * walk's). Needs that many scored forecasts; fewer say nothing yet.
 */
export function worseThanBaseline(
  recent: Pick<LiveScores, 'rows' | 'pinballRatio' | 'maeRatio'>,
  bars: number,
): boolean {
  const ratio = recent.pinballRatio ?? recent.maeRatio;
  return recent.rows >= bars && ratio !== null && ratio > 1;
}
