/**
 * Mean interval (Winkler) score of central (1 − α) intervals (Winkler 1972; Gneiting & Raftery
 * 2007, eq. 43): the width, plus 2/α times how far the actual value fell outside. It rewards
 * narrow intervals and punishes misses, so lower is better.
 */
export function intervalScore(
  actual: readonly number[],
  low: readonly number[],
  high: readonly number[],
  alpha: number,
): number {
  if (actual.length !== low.length || actual.length !== high.length)
    throw new RangeError(`${actual.length} actual values but ${low.length} lows and ${high.length} highs`);
  if (actual.length === 0) throw new RangeError('no rows to score');
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`α ${alpha} is not between 0 and 1`);
  let total = 0;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i]!;
    const l = low[i]!;
    const u = high[i]!;
    total += u - l + (y < l ? (2 / alpha) * (l - y) : 0) + (y > u ? (2 / alpha) * (y - u) : 0);
  }
  return total / actual.length;
}
