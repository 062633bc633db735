import { dieboldMarianoTest, perTimeMeans } from './scores/diebold-mariano';
import { intervalCoverage } from './scores/interval-coverage';
import { intervalScore } from './scores/interval-score';
import { pinball, pinballLoss } from './scores/pinball-loss';

/** A quantile forecast's holdout scores, as plain numbers (the registry stores them so). */
export interface QuantileMetrics {
  /** Holdout rows scored: those where the baseline has a forecast too (same rows for both). */
  quantileRows: number;
  /** Mean pinball loss over the levels, and as a ratio to the baseline's (< 1 beats it). */
  pinball: number;
  pinballRatio: number;
  /** Share of actual returns inside the outermost levels' interval; what it claims; exact binomial p. */
  coverage: number;
  coverageNominal: number;
  coveragePValue: number;
  /** Mean width of that interval as a ratio to the baseline's. */
  widthRatio: number;
  /** Winkler interval score as a ratio to the baseline's (< 1 beats it). */
  intervalScoreRatio: number;
  /** Diebold–Mariano on the mean pinball loss against the baseline, HLN-corrected, and its one-sided p-value. */
  dmPinball: number;
  dmPinballPValue: number;
  /** Pinball loss at each level as a ratio to the baseline's, keyed `pinballRatio@<level>`. */
  [perLevel: `pinballRatio@${number}`]: number;
}

export interface QuantileHoldout {
  /** Actual forward log returns, the bar time of each row, and the forecast horizon in bars. */
  actual: readonly number[];
  times: readonly number[];
  horizon: number;
  levels: readonly number[];
  /** Per row, the baseline's return at each level; null where the series had no volatility yet. */
  baseline: readonly (readonly number[] | null)[];
}

/**
 * Scores a quantile forecast of forward log returns against the baseline's on the same
 * holdout rows: pinball loss (per level and mean), coverage of the outermost interval with a
 * binomial test, width and Winkler score against the baseline's, and a Diebold–Mariano test of
 * the mean pinball loss (rows of one bar time averaged first; HLN-corrected).
 */
export function quantileMetrics(holdout: QuantileHoldout, forecast: readonly (readonly number[])[]): QuantileMetrics {
  const { levels, horizon } = holdout;
  if (forecast.length !== holdout.actual.length)
    throw new RangeError(`${forecast.length} forecast rows for ${holdout.actual.length} holdout rows`);
  const rows = holdout.actual.flatMap((actual, i) =>
    holdout.baseline[i] ? [{ actual, t: holdout.times[i]!, model: forecast[i]!, baseline: holdout.baseline[i]! }] : [],
  );
  if (rows.length < 2) throw new RangeError('fewer than 2 holdout rows have a baseline forecast to compare with');
  const actual = rows.map((r) => r.actual);
  const column = (which: 'model' | 'baseline', k: number) => rows.map((r) => r[which][k]!);
  const perLevel = levels.map((level, k) => ({
    level,
    model: pinballLoss(actual, column('model', k), level),
    baseline: pinballLoss(actual, column('baseline', k), level),
  }));
  const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const modelPinball = mean(perLevel.map((p) => p.model));
  const baselinePinball = mean(perLevel.map((p) => p.baseline));
  const top = levels.length - 1;
  const alpha = 1 - (levels[top]! - levels[0]!);
  const coverage = intervalCoverage(actual, column('model', 0), column('model', top), 1 - alpha);
  const width = (which: 'model' | 'baseline') => mean(rows.map((r) => r[which][top]! - r[which][0]!));
  const rowPinball = (quantiles: readonly number[], y: number) =>
    mean(levels.map((level, k) => pinball(y - quantiles[k]!, level)));
  const differentials = rows.map((r) => rowPinball(r.baseline, r.actual) - rowPinball(r.model, r.actual));
  const perTime = perTimeMeans(
    differentials,
    rows.map((r) => r.t),
  );
  const dm = perTime.length >= 2 ? dieboldMarianoTest(perTime, horizon) : { corrected: 0, pValue: 1 };
  return {
    quantileRows: rows.length,
    pinball: modelPinball,
    pinballRatio: modelPinball / baselinePinball,
    coverage: coverage.coverage,
    coverageNominal: coverage.nominal,
    coveragePValue: coverage.pValue,
    widthRatio: width('model') / width('baseline'),
    intervalScoreRatio:
      intervalScore(actual, column('model', 0), column('model', top), alpha) /
      intervalScore(actual, column('baseline', 0), column('baseline', top), alpha),
    dmPinball: dm.corrected,
    dmPinballPValue: dm.pValue,
    ...Object.fromEntries(perLevel.map((p) => [`pinballRatio@${p.level}`, p.model / p.baseline])),
  };
}
