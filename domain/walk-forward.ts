import type { FeatureRow } from './features';

export interface SeriesRows {
  ticker: string;
  rows: FeatureRow[];
}

export interface LabelledRow extends FeatureRow {
  ticker: string;
  target: number;
}

export interface WalkForwardSplit {
  train: LabelledRow[];
  holdout: LabelledRow[];
  /** Time of the first holdout bar (epoch ms): everything the model learns from ends before it. */
  holdoutStart: number;
  /** Time of the last training row's bar. */
  trainEnd: number;
  /** Time of the first and last labelled bar used. */
  dataStart: number;
  dataEnd: number;
}

/**
 * A time-ordered split for honest evaluation: the last `holdoutFraction` of bar times is the
 * holdout; a training row is kept only if its target (the close `horizon` bars ahead) is
 * also before the holdout, so no training label peeks into the test period (gap = horizon).
 */
export function walkForwardSplit(
  series: readonly SeriesRows[],
  horizon: number,
  holdoutFraction: number,
): WalkForwardSplit {
  if (!(holdoutFraction > 0 && holdoutFraction < 1))
    throw new RangeError(`holdoutFraction must be in (0, 1), got ${holdoutFraction}`);
  const labelled = series.flatMap(({ ticker, rows }) =>
    rows.filter((r) => r.target !== null).map((r) => ({ ...r, ticker }) as LabelledRow),
  );
  const times = [...new Set(labelled.map((r) => r.t))].sort((a, b) => a - b);
  const holdoutStart = times[Math.floor(times.length * (1 - holdoutFraction))];
  if (holdoutStart === undefined || times.length < 2)
    throw new RangeError(`not enough labelled bars to split (${labelled.length})`);

  const train: LabelledRow[] = [];
  const holdout: LabelledRow[] = [];
  for (const { ticker, rows } of series) {
    rows.forEach((row, i) => {
      if (row.target === null) return;
      if (row.t >= holdoutStart) holdout.push({ ...row, ticker, target: row.target });
      else if ((rows[i + horizon]?.t ?? Infinity) < holdoutStart) train.push({ ...row, ticker, target: row.target });
    });
  }
  if (train.length === 0 || holdout.length < 2) {
    throw new RangeError(
      `walk-forward split left ${train.length} training and ${holdout.length} holdout rows; more history is needed`,
    );
  }
  return {
    train,
    holdout,
    holdoutStart,
    trainEnd: train.reduce((latest, r) => Math.max(latest, r.t), -Infinity),
    dataStart: times[0]!,
    dataEnd: times[times.length - 1]!,
  };
}
