import { baselineReturnQuantiles } from './baseline-forecast';
import { pinball } from './scores/pinball-loss';

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

/** How a model (in service, or its challenger) does on bars it never saw: those after its training data ended. */
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

/** One scored forecast: the outcome against the median and the range (as returns), and the baseline's range. */
export interface LiveRow {
  t: number;
  actual: number;
  median: number;
  quantiles: number[] | null;
  baseline: number[] | null;
}

/**
 * Running sums of a model's scored forecasts. Every live score is a ratio of sums over the
 * same rows, so the tallies of passes (and of series) add up to the score of all their rows.
 */
interface LiveTally {
  rows: number;
  /** |actual − median| and |actual| (the random walk's error). */
  absError: number;
  absActual: number;
  /** Rows where both the actual and the median moved, and those that agreed in sign. */
  directional: number;
  hits: number;
  /** Rows with the model's range and the baseline's: their pinball losses (mean over levels) and coverage. */
  ranged: number;
  pinball: number;
  basePinball: number;
  covered: number;
}

const EMPTY_TALLY: LiveTally = {
  rows: 0,
  absError: 0,
  absActual: 0,
  directional: 0,
  hits: 0,
  ranged: 0,
  pinball: 0,
  basePinball: 0,
  covered: 0,
};

function addTallies(a: LiveTally, b: LiveTally): LiveTally {
  return Object.fromEntries(
    Object.keys(EMPTY_TALLY).map((key) => [key, a[key as keyof LiveTally] + b[key as keyof LiveTally]]),
  ) as unknown as LiveTally;
}

/** How far live scoring has got in one series for one model: its forecasts up to `through` are counted in `tally`. */
export interface SeriesLiveProgress {
  /** The newest bar already dealt with (scored, or another version's forecast); the next pass starts after it. */
  through: number;
  /** The newest bar whose forecast was scored (null: none yet). */
  newestScored: number | null;
  tally: LiveTally;
}

type Model = { version: string; since: number; horizon: number; levels?: readonly number[] };

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/**
 * The forecasts a series' bars after `after` hold whose outcome is known, in time order: the
 * forward log return `horizon` bars on against the model's median and range (as returns) and
 * the baseline's range at that bar. Stops at the first bar without any forecast yet (the
 * prediction catch-up will fill it) or without its outcome; another version's forecasts are
 * passed over, not scored. `through` is the last bar dealt with.
 */
function newRows(
  bars: readonly ScoredBar[],
  predictions: readonly ScoredPrediction[],
  model: Model,
  after: number,
): { rows: LiveRow[]; through: number } {
  const byTime = new Map(predictions.map((p) => [p.t, p]));
  const rows: LiveRow[] = [];
  let through = after;
  const fresh = bars.filter((bar) => bar.t > after);
  for (let i = 0; i < fresh.length; i++) {
    const bar = fresh[i]!;
    const outcome = fresh[i + model.horizon];
    const prediction = byTime.get(bar.t);
    if (!outcome || !prediction) break;
    through = bar.t;
    if (prediction.modelVersion !== model.version) continue;
    const levels = prediction.quantileLevels;
    const quantiles =
      levels && prediction.quantileCloses ? prediction.quantileCloses.map((close) => Math.log(close / bar.c)) : null;
    const baseline =
      levels && bar.volatility != null ? baselineReturnQuantiles(bar.volatility, model.horizon, levels) : null;
    rows.push({
      t: bar.t,
      actual: Math.log(outcome.c / bar.c),
      median: prediction.predictedReturn,
      quantiles,
      baseline,
    });
  }
  return { rows, through };
}

function tallyOf(rows: readonly LiveRow[], levels: readonly number[] | undefined): LiveTally {
  const tally = { ...EMPTY_TALLY };
  for (const r of rows) {
    tally.rows++;
    tally.absError += Math.abs(r.actual - r.median);
    tally.absActual += Math.abs(r.actual);
    if (r.actual !== 0 && r.median !== 0) {
      tally.directional++;
      if (Math.sign(r.actual) === Math.sign(r.median)) tally.hits++;
    }
    if (!levels || !r.quantiles || !r.baseline) continue;
    const rowPinball = (quantiles: readonly number[]) =>
      mean(levels.map((level, k) => pinball(r.actual - quantiles[k]!, level)));
    tally.ranged++;
    tally.pinball += rowPinball(r.quantiles);
    tally.basePinball += rowPinball(r.baseline);
    if (r.actual >= r.quantiles[0]! && r.actual <= r.quantiles[r.quantiles.length - 1]!) tally.covered++;
  }
  return tally;
}

/**
 * Moves one series' live scoring on over bars and forecasts read after `progress.through`
 * (from the model's `since` when there is no progress yet), adding what is new to its tally.
 */
export function advanceLiveScoring(
  progress: SeriesLiveProgress | undefined,
  series: { bars: readonly ScoredBar[]; predictions: readonly ScoredPrediction[] },
  model: Model,
): { progress: SeriesLiveProgress; rows: LiveRow[] } {
  const { rows, through } = newRows(series.bars, series.predictions, model, progress?.through ?? model.since);
  return {
    rows,
    progress: {
      through,
      newestScored: rows.at(-1)?.t ?? progress?.newestScored ?? null,
      tally: addTallies(progress?.tally ?? EMPTY_TALLY, tallyOf(rows, model.levels)),
    },
  };
}

/** The scores of a tally: the median against the random walk; the range against the baseline (two rows or more). */
function scoresOf(tally: LiveTally, model: Model) {
  const levels = model.levels;
  const ranged = levels && tally.ranged >= 2;
  return {
    maeRatio: tally.rows && tally.absActual > 0 ? tally.absError / tally.absActual : null,
    hitRate: tally.directional ? tally.hits / tally.directional : null,
    pinballRatio: ranged && tally.basePinball > 0 ? tally.pinball / tally.basePinball : null,
    coverage: ranged ? tally.covered / tally.ranged : null,
    coverageNominal: ranged ? levels.at(-1)! - levels[0]! : null,
  };
}

/**
 * A model's live scores from its series' progress (all series pooled), as the holdout was
 * scored. With `alertBars`, `recent` scores the newest that many of `recentRows` apart: what
 * the model-in-service alert watches.
 */
export function liveScoresOf(
  progress: readonly SeriesLiveProgress[],
  model: Model,
  now: number,
  recent?: { rows: readonly LiveRow[]; alertBars: number },
): LiveScores {
  const tally = progress.reduce((sum, p) => addTallies(sum, p.tally), EMPTY_TALLY);
  const newest = progress.flatMap((p) => (p.newestScored === null ? [] : [p.newestScored]));
  const scores: LiveScores = {
    rows: tally.rows,
    since: new Date(model.since).toISOString(),
    through: newest.length ? new Date(Math.max(...newest)).toISOString() : null,
    ...scoresOf(tally, model),
    scoredAt: new Date(now).toISOString(),
  };
  if (!recent || recent.alertBars <= 0) return scores;
  const window = [...recent.rows].sort((a, b) => a.t - b.t).slice(-recent.alertBars);
  const windowTally = tallyOf(window, model.levels);
  const { pinballRatio, maeRatio } = scoresOf(windowTally, model);
  const worse = worseThanBaseline({ rows: windowTally.rows, pinballRatio, maeRatio }, recent.alertBars);
  return {
    ...scores,
    recent: { bars: recent.alertBars, rows: windowTally.rows, pinballRatio, maeRatio, worseThanBaseline: worse },
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
