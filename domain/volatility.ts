/**
 * RiskMetrics volatility (J.P. Morgan/Reuters, RiskMetrics Technical Document, 4th ed. 1996,
 * §5.2.1): the exponentially weighted standard deviation of one-bar log returns,
 * σ²ₜ = λ σ²ₜ₋₁ + (1 − λ) rₜ², with zero mean. λ = 0.94 is the document's daily decay. The first
 * variance is the mean of the first SEED_RETURNS squared returns, so the seed is forgotten as
 * λⁿ: after a warm-up of 600 bars it weighs less than 1e-15.
 */
export class EwmaVolatility {
  static readonly DECAY = 0.94;
  static readonly SEED_RETURNS = 20;
  private lastClose: number | null = null;
  private variance: number | null = null;
  private seedSum = 0;
  private seedCount = 0;

  add(close: number): void {
    const previous = this.lastClose;
    this.lastClose = close;
    if (previous === null) return;
    const squared = Math.log(close / previous) ** 2;
    if (this.variance !== null) {
      this.variance = EwmaVolatility.DECAY * this.variance + (1 - EwmaVolatility.DECAY) * squared;
      return;
    }
    this.seedSum += squared;
    this.seedCount++;
    if (this.seedCount === EwmaVolatility.SEED_RETURNS) this.variance = this.seedSum / this.seedCount;
  }

  /** The volatility after the last close, or null until SEED_RETURNS returns were seen. */
  get value(): number | null {
    return this.variance === null ? null : Math.sqrt(this.variance);
  }
}

/** The volatility after each close of a series, oldest first. */
export function volatilitySeries(closes: readonly number[]): Array<number | null> {
  const volatility = new EwmaVolatility();
  return closes.map((close) => {
    volatility.add(close);
    return volatility.value;
  });
}
