/**
 * Mean pinball (quantile) loss of forecasts of the τ-quantile (Koenker & Bassett 1978;
 * Gneiting & Raftery 2007, §9.1): ρτ(u) = u·(τ − 1{u < 0}) with u = actual − forecast. It is
 * minimised in expectation by the true τ-quantile, so lower is better; at τ = 0.5 it is half
 * the absolute error.
 */
export function pinballLoss(actual: readonly number[], forecast: readonly number[], level: number): number {
  if (actual.length !== forecast.length)
    throw new RangeError(`${actual.length} actual values but ${forecast.length} forecasts`);
  if (actual.length === 0) throw new RangeError('no rows to score');
  if (!(level > 0 && level < 1)) throw new RangeError(`quantile level ${level} is not between 0 and 1`);
  let total = 0;
  for (let i = 0; i < actual.length; i++) total += pinball(actual[i]! - forecast[i]!, level);
  return total / actual.length;
}

/** The loss of one row: what a Diebold–Mariano test on pinball loss compares row by row. */
export function pinball(error: number, level: number): number {
  return error >= 0 ? level * error : (level - 1) * error;
}
