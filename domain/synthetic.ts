import type { Bar } from './market-event';

/** mulberry32: a tiny, well-known seeded PRNG, so synthetic markets are reproducible. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticMarketOptions {
  tickers: number;
  seed: number;
  startTime: number;
  stepMs: number;
  /** Per-step drift and volatility of log returns. */
  drift?: number;
  volatility?: number;
  /** Probability of a jump per step, and the jump's log-size standard deviation. */
  jumpProbability?: number;
  jumpVolatility?: number;
}

export function syntheticTickerName(index: number): string {
  return `SYN${String(index).padStart(4, '0')}`;
}

/**
 * Geometric Brownian motion with Poisson-style jumps and log-normal volume, for any number of
 * tickers. Each call to `next()` yields one bar per ticker for the next time step.
 */
export class SyntheticMarket {
  private readonly random: () => number;
  private readonly closes: number[];
  private step = 0;

  constructor(private readonly options: SyntheticMarketOptions) {
    this.random = seededRandom(options.seed);
    this.closes = Array.from({ length: options.tickers }, () => 20 + this.random() * 180);
  }

  readonly tickerNames = (): string[] => this.closes.map((_, i) => syntheticTickerName(i));

  private normal(): number {
    const u = 1 - this.random();
    const v = this.random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  next(): Array<{ ticker: string; bar: Bar }> {
    const { drift = 0.0002, volatility = 0.015, jumpProbability = 0.01, jumpVolatility = 0.06 } = this.options;
    const t = this.options.startTime + this.step * this.options.stepMs;
    this.step += 1;
    return this.closes.map((open, i) => {
      let logReturn = drift - (volatility * volatility) / 2 + volatility * this.normal();
      if (this.random() < jumpProbability) logReturn += jumpVolatility * this.normal();
      const close = open * Math.exp(logReturn);
      const wick = () => Math.abs(this.normal()) * volatility * 0.5;
      const high = Math.max(open, close) * (1 + wick());
      const low = Math.min(open, close) * (1 - wick());
      const volume = Math.round(1e6 * Math.exp(0.5 * this.normal()) * (1 + 20 * Math.abs(logReturn)));
      this.closes[i] = close;
      return {
        ticker: syntheticTickerName(i),
        bar: { t, o: open, h: high, l: Math.max(low, 1e-6), c: close, v: volume },
      };
    });
  }
}
