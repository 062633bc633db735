import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';

export interface IntervalCoverage {
  rows: number;
  /** Rows whose actual value fell inside [low, high]. */
  inside: number;
  /** inside / rows. */
  coverage: number;
  /** What the interval claims: the upper level minus the lower one. */
  nominal: number;
  /** Two-sided exact binomial test of coverage = nominal (twice the smaller tail, at most 1). */
  pValue: number;
}

/**
 * How often actual values fall inside forecast intervals, and whether that differs from the
 * nominal level by more than chance (Christoffersen 1998's unconditional coverage, tested
 * exactly with the binomial distribution instead of its χ² approximation).
 */
export function intervalCoverage(
  actual: readonly number[],
  low: readonly number[],
  high: readonly number[],
  nominal: number,
): IntervalCoverage {
  if (actual.length !== low.length || actual.length !== high.length)
    throw new RangeError(`${actual.length} actual values but ${low.length} lows and ${high.length} highs`);
  if (actual.length === 0) throw new RangeError('no rows to score');
  const rows = actual.length;
  const inside = actual.filter((y, i) => y >= low[i]! && y <= high[i]!).length;
  const below = binomialCdf(inside, rows, nominal);
  const above = inside === 0 ? 1 : 1 - binomialCdf(inside - 1, rows, nominal);
  return { rows, inside, coverage: inside / rows, nominal, pValue: Math.min(1, 2 * Math.min(below, above)) };
}
