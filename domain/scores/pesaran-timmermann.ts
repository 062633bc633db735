import normalCdf from '@stdlib/stats-base-dists-normal-cdf';

export interface PesaranTimmermannTest {
  rows: number;
  /** Share of rows whose forecast sign matched the actual one. */
  hitRate: number;
  /** The hit rate expected of forecasts independent of the actual directions. */
  expectedHitRate: number;
  statistic: number;
  /** One-sided p-value of "no better than independent guessing", from the standard normal. */
  pValue: number;
}

/**
 * Pesaran & Timmermann's (1992) test of directional accuracy: is the hit rate above what
 * forecasts with the same share of ups, independent of the actual moves, would score?
 * Rows where either value is exactly 0 count as not up.
 */
export function pesaranTimmermann(actual: readonly number[], forecast: readonly number[]): PesaranTimmermannTest {
  if (actual.length !== forecast.length)
    throw new RangeError(`${actual.length} actual values but ${forecast.length} forecasts`);
  const n = actual.length;
  if (n < 2) throw new RangeError('at least 2 rows are needed for a Pesaran–Timmermann test');
  let hits = 0;
  let actualUp = 0;
  let forecastUp = 0;
  for (let i = 0; i < n; i++) {
    const up = actual[i]! > 0;
    const predictedUp = forecast[i]! > 0;
    if (up === predictedUp) hits++;
    if (up) actualUp++;
    if (predictedUp) forecastUp++;
  }
  const p = hits / n;
  const py = actualUp / n;
  const px = forecastUp / n;
  const expected = py * px + (1 - py) * (1 - px);
  const varianceOfHitRate = (expected * (1 - expected)) / n;
  const varianceOfExpected =
    ((2 * py - 1) ** 2 * px * (1 - px)) / n +
    ((2 * px - 1) ** 2 * py * (1 - py)) / n +
    (4 * py * px * (1 - py) * (1 - px)) / (n * n);
  const variance = varianceOfHitRate - varianceOfExpected;
  // Forecasts or actuals all one way: the test has nothing to compare.
  const statistic = variance > 0 ? (p - expected) / Math.sqrt(variance) : 0;
  return { rows: n, hitRate: p, expectedHitRate: expected, statistic, pValue: 1 - normalCdf(statistic, 0, 1) };
}
