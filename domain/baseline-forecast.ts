import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

/** The baseline's forecast of the close `horizon` bars after a bar, as prices at quantile levels. */
export interface RangeForecast {
  version: string;
  horizon: number;
  /** Quantile levels, ascending, 0.5 among them. */
  levels: number[];
  /** The forecast close at each level. */
  prices: number[];
}

export const BASELINE_VERSION = 'baseline (random walk, RiskMetrics range)';

/**
 * The forecast that serves when no model does, and the one every model must beat: a random
 * walk (the median close is the last close) with a normal range of forward log returns whose
 * scale is the RiskMetrics volatility times √horizon (returns taken as independent). Null
 * until the series has a volatility.
 */
export function baselineForecast(
  close: number,
  volatility: number | null,
  horizon: number,
  levels: readonly number[],
): RangeForecast | null {
  if (volatility === null) return null;
  const prices = baselineReturnQuantiles(volatility, horizon, levels).map((r) => close * Math.exp(r));
  return { version: BASELINE_VERSION, horizon, levels: [...levels], prices };
}

/** The baseline's forward log return at each level: what evaluation scores models against. */
export function baselineReturnQuantiles(volatility: number, horizon: number, levels: readonly number[]): number[] {
  const scale = volatility * Math.sqrt(horizon);
  return levels.map((level) => normalQuantile(level, 0, scale));
}

/** The median and the outermost levels of a forecast: what a one-line summary shows. */
export function forecastSummary(forecast: Pick<RangeForecast, 'levels' | 'prices'>): {
  median: number;
  low: number;
  high: number;
  coverage: number;
} {
  const median = forecast.prices[forecast.levels.indexOf(0.5)];
  if (median === undefined) throw new RangeError(`forecast levels ${forecast.levels.join(', ')} lack the median (0.5)`);
  return {
    median,
    low: forecast.prices[0]!,
    high: forecast.prices.at(-1)!,
    coverage: forecast.levels.at(-1)! - forecast.levels[0]!,
  };
}

/** The close a user is shown for `horizon` bars after a bar, and who forecast it. */
export interface NextCloseForecast {
  /** `model <version>` where the model in service predicted the bar, else `baseline`. */
  by: string;
  horizon: number;
  median: number;
  /** The range of whoever forecast (a model without quantiles: the baseline's), with its nominal coverage. */
  low: number;
  high: number;
  coverage: number;
  rangeBy: string;
}

/** What nextCloseForecast needs of a stored model prediction. */
export interface ModelPrediction {
  predictedClose: number;
  modelVersion: string;
  quantileLevels?: number[];
  quantileCloses?: number[];
}

/** The model's forecast where it predicted the bar, else the baseline's; null before the series has a volatility. */
export function nextCloseForecast(
  bar: { c: number; volatility?: number | null },
  prediction: ModelPrediction | undefined,
  horizon: number,
  levels: readonly number[],
): NextCloseForecast | null {
  const baseline = baselineForecast(bar.c, bar.volatility ?? null, horizon, levels);
  if (!baseline) return null;
  if (!prediction) return { by: 'baseline', rangeBy: 'baseline', horizon, ...forecastSummary(baseline) };
  const by = `model ${prediction.modelVersion}`;
  const range =
    prediction.quantileLevels && prediction.quantileCloses
      ? { ...forecastSummary({ levels: prediction.quantileLevels, prices: prediction.quantileCloses }), rangeBy: by }
      : { ...forecastSummary(baseline), rangeBy: 'baseline' };
  return { by, horizon, ...range, median: prediction.predictedClose };
}
