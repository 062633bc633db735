import { baselineReturnQuantiles } from './baseline-forecast';
import { forecastMetrics, type ForecastMetrics } from './forecast-metrics';
import { quantileMetrics } from './quantile-evaluation';

/** The walk-forward holdout as evaluation reads it: one entry per row, in the dataset's order. */
export interface Holdout {
  tickers: readonly string[];
  /** Actual forward log returns, each row's bar time, and its series' volatility there (null: none yet). */
  actual: readonly number[];
  times: readonly number[];
  volatility: readonly (number | null)[];
  horizon: number;
  /** The random walk's in-sample MAE on the training rows: MASE's scale. */
  trainingNaiveMae: number;
}

/** A model's answer on the holdout: the median (or only) forecast, and a quantile model's levels and values. */
export interface HoldoutAnswer {
  median: readonly number[];
  quantiles?: { levels: readonly number[]; values: readonly (readonly number[])[] };
}

/** One ticker's share of the holdout, scored alone: the headline numbers. */
export interface TickerScores {
  ticker: string;
  rows: number;
  /** Null where the random walk made no error at all (a price that never moved): no ratio to take. */
  maeRatio: number | null;
  hitRate: number;
  dmPValue: number | null;
  pinballRatio: number | null;
  coverage: number | null;
  coverageNominal: number | null;
  dmPinballPValue: number | null;
}

/** Every score of `answer` on `holdout`: the median against the random walk, the range against the baseline. */
export function holdoutScores(holdout: Holdout, answer: HoldoutAnswer): ForecastMetrics {
  const { actual, times, horizon } = holdout;
  const point = forecastMetrics(actual, answer.median, holdout.trainingNaiveMae, times, horizon);
  if (!answer.quantiles) return point;
  const { levels, values } = answer.quantiles;
  const baseline = holdout.volatility.map((v) => (v === null ? null : baselineReturnQuantiles(v, horizon, levels)));
  return { ...point, ...quantileMetrics({ actual, times, horizon, levels, baseline }, values) };
}

/**
 * The same scores for the `limit` tickers with the most rows (ties by name). A ticker with
 * fewer than two rows is left out (it has no verdict, only noise); one with fewer than two
 * rows with a baseline range gets the median's scores only.
 */
export function perTickerScores(holdout: Holdout, answer: HoldoutAnswer, limit = Infinity): TickerScores[] {
  const rowsOf = new Map<string, number[]>();
  holdout.tickers.forEach((ticker, i) => {
    const rows = rowsOf.get(ticker);
    if (rows) rows.push(i);
    else rowsOf.set(ticker, [i]);
  });
  const kept = [...rowsOf]
    .filter(([, rows]) => rows.length >= 2)
    .sort(([a, x], [b, y]) => y.length - x.length || a.localeCompare(b))
    .slice(0, limit);
  const scores: TickerScores[] = [];
  for (const [ticker, rows] of kept) {
    const pick = <T>(xs: readonly T[]) => rows.map((i) => xs[i]!);
    const own: Holdout = {
      ...holdout,
      tickers: pick(holdout.tickers),
      actual: pick(holdout.actual),
      times: pick(holdout.times),
      volatility: pick(holdout.volatility),
    };
    const median = pick(answer.median);
    const ranged = answer.quantiles && own.volatility.filter((v) => v !== null).length >= 2;
    const m = holdoutScores(
      own,
      ranged
        ? { median, quantiles: { levels: answer.quantiles!.levels, values: pick(answer.quantiles!.values) } }
        : { median },
    );
    scores.push({
      ticker,
      rows: m.rows,
      maeRatio: Number.isFinite(m.maeRatio) ? m.maeRatio : null,
      hitRate: m.hitRate,
      dmPValue: m.dmPValue ?? null,
      pinballRatio: m.pinballRatio ?? null,
      coverage: m.coverage ?? null,
      coverageNominal: m.coverageNominal ?? null,
      dmPinballPValue: m.dmPinballPValue ?? null,
    });
  }
  return scores;
}
