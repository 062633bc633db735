import type { Bar } from './market-event';
import type { IndicatorValues } from './indicators';

/**
 * The model's inputs and target, defined once: the training export and the prediction step
 * both call `featureRows`, so what the model learned from and what it is asked about cannot
 * drift apart. Every feature is scale-free (a return, a ratio, a z-score) so one model serves
 * tickers of any price level. A feature without enough history is null (the model treats it
 * as missing), never a made-up zero.
 */
export type FeatureBar = Pick<Bar, 't' | 'o' | 'h' | 'l' | 'c' | 'v'> & IndicatorValues;

/** What a row's features read of the bars before it: closes and volumes only. */
export type HistoryBar = Pick<Bar, 't' | 'c' | 'v'>;

export const FEATURE_NAMES = [
  'ret1',
  'ret5',
  'ret20',
  'vol20',
  'volumeZ20',
  'range',
  'body',
  'closeToSma20',
  'closeToSma50',
  'ema20ToEma50',
  'rsi14',
  'macdHistogram',
  'bbPercentB',
  'bbWidth',
  'atr14',
] as const;
type FeatureName = (typeof FEATURE_NAMES)[number];

/** Bars of history a row needs before it for every window above to be filled. */
export const FEATURE_LOOKBACK = 20;

export interface FeatureRow {
  t: number;
  close: number;
  features: (number | null)[];
  /** Forward log return over the horizon; null when the future bar is not known yet. */
  target: number | null;
  /** The bar's RiskMetrics volatility: the baseline forecast's scale (not a model input). */
  volatility: number | null;
}

/**
 * Feature rows for `bars` of one series in time order, after `history` (the bars just before
 * them, which only serve as history). The target of row i is ln(close[i + horizon] / close[i]).
 */
export function featureRows(
  bars: readonly FeatureBar[],
  horizon: number,
  history: readonly HistoryBar[] = [],
): FeatureRow[] {
  if (!Number.isInteger(horizon) || horizon < 1)
    throw new RangeError(`horizon must be a positive integer, got ${horizon}`);
  const all: readonly HistoryBar[] = [...history, ...bars];
  const closes = all.map((b) => b.c);
  const logReturns = closes.map((c, i) => (i === 0 ? null : logRatio(c, closes[i - 1]!)));
  return bars.map((bar, j) => {
    const future = bars[j + horizon];
    return {
      t: bar.t,
      close: bar.c,
      features: featuresAt(all, bar, logReturns, history.length + j),
      target: future ? logRatio(future.c, bar.c) : null,
      volatility: bar.volatility ?? null,
    };
  });
}

/** The features of `bar`, which is `bars[i]`. */
function featuresAt(
  bars: readonly HistoryBar[],
  bar: FeatureBar,
  logReturns: readonly (number | null)[],
  i: number,
): (number | null)[] {
  const c = bar.c;
  const back = (n: number) => (i >= n ? logRatio(c, bars[i - n]!.c) : null);
  const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : a / b - 1);
  const bandWidth = bar.bbUpper !== null && bar.bbLower !== null ? bar.bbUpper - bar.bbLower : null;
  const values: Record<FeatureName, number | null> = {
    ret1: back(1),
    ret5: back(5),
    ret20: back(20),
    vol20: i >= 20 ? standardDeviation(logReturns.slice(i - 19, i + 1) as number[]) : null,
    volumeZ20:
      i >= 19
        ? zScore(
            bar.v,
            bars.slice(i - 19, i + 1).map((b) => b.v),
          )
        : null,
    range: c > 0 ? (bar.h - bar.l) / c : null,
    body: c > 0 ? (c - bar.o) / c : null,
    closeToSma20: ratio(c, bar.sma20),
    closeToSma50: ratio(c, bar.sma50),
    ema20ToEma50: ratio(bar.ema20, bar.ema50),
    rsi14: bar.rsi14 === null ? null : bar.rsi14 / 100 - 0.5,
    macdHistogram: bar.macdHistogram === null || c <= 0 ? null : bar.macdHistogram / c,
    bbPercentB: bandWidth === null || bandWidth === 0 ? null : (c - bar.bbLower!) / bandWidth,
    bbWidth: bandWidth === null || !bar.bbMiddle ? null : bandWidth / bar.bbMiddle,
    atr14: bar.atr14 === null || c <= 0 ? null : bar.atr14 / c,
  };
  return FEATURE_NAMES.map((name) => finiteOrNull(values[name]));
}

const logRatio = (a: number, b: number): number | null => (a > 0 && b > 0 ? Math.log(a / b) : null);
const finiteOrNull = (x: number | null): number | null => (x !== null && Number.isFinite(x) ? x : null);

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Sample standard deviation; null when any value is missing. */
function standardDeviation(xs: readonly (number | null)[]): number | null {
  if (xs.some((x) => x === null) || xs.length < 2) return null;
  const m = mean(xs as number[]);
  return Math.sqrt((xs as number[]).reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

function zScore(x: number, window: readonly number[]): number | null {
  const sd = standardDeviation(window);
  return sd === null || sd === 0 ? null : (x - mean(window)) / sd;
}

/** One CSV line in SageMaker XGBoost's format: label first (when given), no header, empty = missing. */
export function csvLine(values: readonly (number | null)[]): string {
  return values.map((x) => (x === null ? '' : String(x))).join(',');
}
