import { dieboldMarianoTest, perTimeMeans } from './scores/diebold-mariano';

/**
 * Honest forecast evaluation (Hyndman & Athanasopoulos, FPP3 §5.8–5.10) of predicted forward
 * log returns on a holdout. The random walk ("tomorrow's price is today's") predicts a
 * return of 0, so it is the baseline every ratio below is taken against.
 */
export interface ForecastMetrics {
  rows: number;
  mae: number;
  rmse: number;
  /** MAE / MAE of the random walk on the same rows; < 1 beats it. */
  maeRatio: number;
  /** RMSE / RMSE of the random walk on the same rows; < 1 beats it. */
  rmseRatio: number;
  /** MAE scaled by the random walk's in-sample MAE on the training rows; < 1 beats it. */
  mase: number;
  /** Share of rows whose predicted direction matches the actual one. */
  hitRate: number;
  /** Share of up moves: always guessing the majority direction scores max(upRate, 1 − upRate). */
  upRate: number;
  /** Spearman rank correlation between predicted and actual returns, pooled over the holdout. */
  rankIc: number;
  /** Diebold–Mariano statistic against the random walk (absolute error; > 0: the model is closer). Absent in records made before it existed. */
  dmStat?: number;
}

/** One-sided 5 % critical value of the standard normal: the evidence a promotion needs. */
export const DM_CRITICAL = 1.645;

/**
 * `times` names each row's bar time (rows sharing one are tickers moving together) and
 * `horizon` the bars each target spans; both only shape the Diebold–Mariano statistic.
 */
export function forecastMetrics(
  actual: readonly number[],
  predicted: readonly number[],
  trainingNaiveMae: number,
  times: readonly number[] = actual.map((_, i) => i),
  horizon = 1,
): ForecastMetrics {
  if (actual.length !== predicted.length) throw new RangeError(`${actual.length} actual values but ${predicted.length} predictions`);
  if (actual.length < 2) throw new RangeError('at least 2 holdout rows are needed to evaluate a forecast');
  const n = actual.length;
  const sum = (f: (a: number, i: number) => number) => actual.reduce((s, a, i) => s + f(a, i), 0);
  const mae = sum((a, i) => Math.abs(a - predicted[i]!)) / n;
  const rmse = Math.sqrt(sum((a, i) => (a - predicted[i]!) ** 2) / n);
  const naiveMae = sum((a) => Math.abs(a)) / n;
  const naiveRmse = Math.sqrt(sum((a) => a * a) / n);
  return {
    rows: n,
    mae,
    rmse,
    maeRatio: mae / naiveMae,
    rmseRatio: rmse / naiveRmse,
    mase: mae / trainingNaiveMae,
    hitRate: sum((a, i) => (Math.sign(a) === Math.sign(predicted[i]!) ? 1 : 0)) / n,
    upRate: sum((a) => (a > 0 ? 1 : 0)) / n,
    rankIc: pearson(ranks(predicted), ranks(actual)),
    dmStat: dieboldMariano(actual, predicted, times, horizon),
  };
}

/**
 * Diebold & Mariano (1995) statistic against the random walk under absolute error:
 * d = |actual| − |actual − predicted|, positive where the model is closer, averaged per bar time
 * first and tested with Newey–West weights over horizon − 1 lags (domain/scores/diebold-mariano).
 */
export function dieboldMariano(actual: readonly number[], predicted: readonly number[], times: readonly number[], horizon = 1): number {
  const perTime = perTimeMeans(actual.map((a, i) => Math.abs(a) - Math.abs(a - predicted[i]!)), times);
  // One bar time is one piece of evidence: no test.
  return perTime.length < 2 ? 0 : dieboldMarianoTest(perTime, horizon).statistic;
}

/** In-sample MAE of the random walk on training targets: MASE's scale. */
export function naiveMae(trainingTargets: readonly number[]): number {
  if (trainingTargets.length === 0) throw new RangeError('no training targets');
  return trainingTargets.reduce((s, y) => s + Math.abs(y), 0) / trainingTargets.length;
}

export interface PromotionDecision {
  promote: boolean;
  reason: string;
}

/**
 * Promote only a candidate that beats the random walk on both MAE and RMSE, by more than
 * chance (Diebold–Mariano ≥ DM_CRITICAL), and has a lower MAE than the model in service on
 * the very same holdout rows.
 */
export function decidePromotion(candidate: ForecastMetrics, incumbent: { version: string; metrics: ForecastMetrics } | null): PromotionDecision {
  const fmt = (x: number) => x.toFixed(4);
  if (candidate.maeRatio >= 1 || candidate.rmseRatio >= 1) {
    return { promote: false, reason: `does not beat the random walk (MAE ratio ${fmt(candidate.maeRatio)}, RMSE ratio ${fmt(candidate.rmseRatio)}; both must be < 1)` };
  }
  const dm = candidate.dmStat ?? 0;
  if (dm < DM_CRITICAL) {
    return { promote: false, reason: `not better than the random walk beyond chance (MAE ratio ${fmt(candidate.maeRatio)}, Diebold–Mariano ${dm.toFixed(2)} < ${DM_CRITICAL})` };
  }
  if (incumbent && candidate.mae >= incumbent.metrics.mae) {
    return { promote: false, reason: `MAE ${fmt(candidate.mae)} is not below ${incumbent.version}'s ${fmt(incumbent.metrics.mae)} on the same holdout` };
  }
  const versus = incumbent ? ` and ${incumbent.version} (MAE ${fmt(candidate.mae)} < ${fmt(incumbent.metrics.mae)})` : '';
  return { promote: true, reason: `beats the random walk (MAE ratio ${fmt(candidate.maeRatio)}, RMSE ratio ${fmt(candidate.rmseRatio)}, Diebold–Mariano ${dm.toFixed(2)})${versus}` };
}

/** Average ranks (ties share the mean rank), 1-based. */
function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const result = new Array<number>(xs.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]![0] === order[start]![0]) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) result[order[k]![1]] = rank;
    start = end + 1;
  }
  return result;
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    cov += (a[i]! - ma) * (b[i]! - mb);
    va += (a[i]! - ma) ** 2;
    vb += (b[i]! - mb) ** 2;
  }
  // A constant forecast has no ranking to correlate: report 0, not NaN.
  return va === 0 || vb === 0 ? 0 : cov / Math.sqrt(va * vb);
}
