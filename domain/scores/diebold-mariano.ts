import tCdf from '@stdlib/stats-base-dists-t-cdf';

export interface DieboldMarianoTest {
  /** Time points tested (after rows of one time were averaged). */
  n: number;
  /** Diebold & Mariano's (1995) statistic: > 0 when the candidate's loss is lower. */
  statistic: number;
  /** With Harvey, Leybourne & Newbold's (1997) small-sample correction, read against Student's t(n − 1). */
  corrected: number;
  /** One-sided p-value of "the candidate is no better" from the corrected statistic. */
  pValue: number;
}

/**
 * Diebold–Mariano test of equal predictive accuracy on loss differentials dₜ = loss of the
 * benchmark − loss of the candidate, in time order. The long-run variance takes Newey–West
 * (Bartlett) weights over horizon − 1 lags, since targets spanning h bars overlap; HLN's
 * correction multiplies the statistic by √((n + 1 − 2h + h(h − 1)/n) / n).
 */
export function dieboldMarianoTest(differentials: readonly number[], horizon = 1): DieboldMarianoTest {
  const n = differentials.length;
  if (n < 2) throw new RangeError('at least 2 time points are needed for a Diebold–Mariano test');
  const mean = differentials.reduce((s, x) => s + x, 0) / n;
  const autocovariance = (lag: number) => {
    let sum = 0;
    for (let t = lag; t < n; t++) sum += (differentials[t]! - mean) * (differentials[t - lag]! - mean);
    return sum / n;
  };
  let variance = autocovariance(0);
  for (let lag = 1; lag < Math.min(horizon, n); lag++) variance += 2 * (1 - lag / horizon) * autocovariance(lag);
  // No variation at all: the sign of the mean is certain.
  const statistic = variance > 0 ? mean / Math.sqrt(variance / n) : mean === 0 ? 0 : Math.sign(mean) * Number.MAX_VALUE;
  const correction = Math.sqrt(Math.max(0, n + 1 - 2 * horizon + (horizon * (horizon - 1)) / n) / n);
  const corrected = statistic * correction;
  return { n, statistic, corrected, pValue: 1 - tCdf(corrected, n - 1) };
}

/**
 * Means of rows sharing a time, in time order: tickers move together, so rows of one bar time
 * are one piece of evidence, not many.
 */
export function perTimeMeans(values: readonly number[], times: readonly number[]): number[] {
  if (times.length !== values.length) throw new RangeError(`${values.length} rows but ${times.length} times`);
  const perTime = new Map<number, { sum: number; n: number }>();
  values.forEach((value, i) => {
    const entry = perTime.get(times[i]!) ?? { sum: 0, n: 0 };
    entry.sum += value;
    entry.n += 1;
    perTime.set(times[i]!, entry);
  });
  return [...perTime.entries()].sort((x, y) => x[0] - y[0]).map(([, e]) => e.sum / e.n);
}
