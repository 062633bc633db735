import type { LiveScores } from './live-scores';
import type { QuantileMetrics } from './quantile-evaluation';
import { dieboldMarianoTest, perTimeMeans } from './scores/diebold-mariano';
import { pesaranTimmermann } from './scores/pesaran-timmermann';

/**
 * Honest forecast evaluation (Hyndman & Athanasopoulos, FPP3 §5.8–5.10) of predicted forward
 * log returns on a holdout. The random walk ("tomorrow's price is today's") predicts a
 * return of 0, so it is the baseline every ratio below is taken against. A quantile model's
 * scores against the baseline's range (domain/quantile-evaluation) come with them.
 */
export interface ForecastMetrics extends Partial<QuantileMetrics> {
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
  /** Its one-sided p-value after the Harvey–Leybourne–Newbold correction, from t(n − 1). */
  dmPValue?: number;
  /** Pesaran–Timmermann statistic of the hit rate against independent guessing, and its one-sided p-value. */
  ptStat?: number;
  ptPValue?: number;
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
  if (actual.length !== predicted.length)
    throw new RangeError(`${actual.length} actual values but ${predicted.length} predictions`);
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
    ...againstRandomWalk(actual, predicted, times, horizon),
  };
}

/** The Diebold–Mariano and Pesaran–Timmermann tests of the point forecast against the random walk. */
function againstRandomWalk(
  actual: readonly number[],
  predicted: readonly number[],
  times: readonly number[],
  horizon: number,
) {
  const perTime = absoluteErrorGains(actual, predicted, times);
  const dm = perTime.length < 2 ? { statistic: 0, pValue: 1 } : dieboldMarianoTest(perTime, horizon);
  const pt = pesaranTimmermann(actual, predicted);
  return { dmStat: dm.statistic, dmPValue: dm.pValue, ptStat: pt.statistic, ptPValue: pt.pValue };
}

/** Per bar time, how much closer than the random walk the forecast was: |actual| − |actual − predicted|. */
function absoluteErrorGains(
  actual: readonly number[],
  predicted: readonly number[],
  times: readonly number[],
): number[] {
  return perTimeMeans(
    actual.map((a, i) => Math.abs(a) - Math.abs(a - predicted[i]!)),
    times,
  );
}

/**
 * Diebold & Mariano (1995) statistic against the random walk under absolute error:
 * d = |actual| − |actual − predicted|, positive where the model is closer, averaged per bar time
 * first and tested with Newey–West weights over horizon − 1 lags (domain/scores/diebold-mariano).
 */
export function dieboldMariano(
  actual: readonly number[],
  predicted: readonly number[],
  times: readonly number[],
  horizon = 1,
): number {
  const perTime = absoluteErrorGains(actual, predicted, times);
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

/** The evidence a quantile forecast needs against the baseline, and how far its coverage may stray from nominal. */
const SIGNIFICANCE = 0.05;
const COVERAGE_TOLERANCE = 0.05;

/** The model in service: its holdout scores and, when scored live, its newest forecasts' record. */
type Incumbent = {
  version: string;
  metrics: ForecastMetrics;
  live?: Omit<NonNullable<LiveScores['recent']>, 'rows'>;
} | null;
const fmt = (x: number) => x.toFixed(4);
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/**
 * The promotion gate. A quantile model is promoted only if its quantiles beat the baseline's
 * pinball loss beyond chance (HLN-corrected Diebold–Mariano, one-sided p ≤ SIGNIFICANCE), its
 * interval's coverage is within COVERAGE_TOLERANCE of nominal, and it beats the model in
 * service on the same rows (pinball loss, or the median's MAE against a model without
 * quantiles) — unless that model is doing worse than the baseline live (its newest forecasts,
 * the live-scoring alert's window): then it has lost its claim to stay. Its median's skill
 * against the random walk is judged apart and said in the reason either way. A model without quantiles keeps the point rule (pointPromotion).
 */
export function decidePromotion(candidate: ForecastMetrics, incumbent: Incumbent): PromotionDecision {
  const q = candidate;
  if (
    q.pinball === undefined ||
    q.pinballRatio === undefined ||
    q.dmPinballPValue === undefined ||
    q.coverage === undefined ||
    q.coverageNominal === undefined
  ) {
    return pointPromotion(candidate, incumbent);
  }
  const median = medianSkill(candidate);
  const reject = (why: string) => ({ promote: false, reason: `${why}; ${median}` });
  if (!(q.pinballRatio < 1 && q.dmPinballPValue <= SIGNIFICANCE)) {
    return reject(
      `its quantiles do not beat the baseline's beyond chance (pinball ratio ${fmt(q.pinballRatio)}, Diebold–Mariano p ${q.dmPinballPValue.toFixed(3)} > ${SIGNIFICANCE})`,
    );
  }
  if (Math.abs(q.coverage - q.coverageNominal) > COVERAGE_TOLERANCE) {
    return reject(
      `its ${pct(q.coverageNominal)} interval covered ${pct(q.coverage)} of the holdout, more than ${COVERAGE_TOLERANCE * 100} points off`,
    );
  }
  let versus = '';
  if (incumbent?.live?.worseThanBaseline) {
    const { bars, pinballRatio, maeRatio } = incumbent.live;
    const ratio = pinballRatio !== null ? `pinball ratio ${fmt(pinballRatio)}` : `MAE ratio ${fmt(maeRatio ?? 1)}`;
    versus = ` and replaces ${incumbent.version}, which did worse than the baseline over its last ${bars} live forecasts (${ratio})`;
  } else if (incumbent) {
    const theirs = incumbent.metrics.pinball;
    if (theirs !== undefined && q.pinball >= theirs)
      return reject(
        `pinball loss ${fmt(q.pinball)} is not below ${incumbent.version}'s ${fmt(theirs)} on the same holdout`,
      );
    if (theirs === undefined && candidate.mae >= incumbent.metrics.mae)
      return reject(
        `its median's MAE ${fmt(candidate.mae)} is not below ${incumbent.version}'s ${fmt(incumbent.metrics.mae)} on the same holdout`,
      );
    versus =
      theirs !== undefined
        ? ` and ${incumbent.version} (pinball ${fmt(q.pinball)} < ${fmt(theirs)})`
        : ` and ${incumbent.version} (median MAE ${fmt(candidate.mae)} < ${fmt(incumbent.metrics.mae)})`;
  }
  return {
    promote: true,
    reason: `its quantiles beat the baseline's (pinball ratio ${fmt(q.pinballRatio)}, Diebold–Mariano p ${q.dmPinballPValue.toFixed(3)}; coverage ${pct(q.coverage)} of nominal ${pct(q.coverageNominal)})${versus}; ${median}`,
  };
}

/** The median against the random walk, in plain words. */
function medianSkill(m: ForecastMetrics): string {
  const evidence = `MAE ratio ${fmt(m.maeRatio)}, Diebold–Mariano p ${(m.dmPValue ?? 1).toFixed(3)}`;
  return m.maeRatio < 1 && (m.dmPValue ?? 1) <= SIGNIFICANCE
    ? `its median beats the random walk (${evidence})`
    : `its median has no skill over the random walk (${evidence}): read the range, not the point`;
}

/**
 * A model without quantiles: promoted only if it beats the random walk on both MAE and RMSE,
 * by more than chance (Diebold–Mariano ≥ DM_CRITICAL), and has a lower MAE than the model in
 * service on the very same holdout rows.
 */
function pointPromotion(candidate: ForecastMetrics, incumbent: Incumbent): PromotionDecision {
  if (candidate.maeRatio >= 1 || candidate.rmseRatio >= 1) {
    return {
      promote: false,
      reason: `does not beat the random walk (MAE ratio ${fmt(candidate.maeRatio)}, RMSE ratio ${fmt(candidate.rmseRatio)}; both must be < 1)`,
    };
  }
  const dm = candidate.dmStat ?? 0;
  if (dm < DM_CRITICAL) {
    return {
      promote: false,
      reason: `not better than the random walk beyond chance (MAE ratio ${fmt(candidate.maeRatio)}, Diebold–Mariano ${dm.toFixed(2)} < ${DM_CRITICAL})`,
    };
  }
  if (incumbent && candidate.mae >= incumbent.metrics.mae) {
    return {
      promote: false,
      reason: `MAE ${fmt(candidate.mae)} is not below ${incumbent.version}'s ${fmt(incumbent.metrics.mae)} on the same holdout`,
    };
  }
  const versus = incumbent
    ? ` and ${incumbent.version} (MAE ${fmt(candidate.mae)} < ${fmt(incumbent.metrics.mae)})`
    : '';
  return {
    promote: true,
    reason: `beats the random walk (MAE ratio ${fmt(candidate.maeRatio)}, RMSE ratio ${fmt(candidate.rmseRatio)}, Diebold–Mariano ${dm.toFixed(2)})${versus}`,
  };
}

/** Average ranks (ties share the mean rank), 1-based. */
function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const result = new Array<number>(xs.length);
  for (let start = 0; start < order.length;) {
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
