import type { Bar } from '../../domain/market-event';

/**
 * A seeded price series whose volatility clusters: a two-state Markov switch (calm 0.4 %,
 * stormy 2.5 % per bar; each bar keeps the regime with probability 0.9), and each bar's
 * high–low range reflecting its own volatility, as real ranges do (Parkinson 1980). With
 * `clustered` false, the volatility is a constant 1 % and the returns are i.i.d.
 */
export function volatilityRegimes(options: {
  bars: number;
  seed: number;
  startTime: number;
  stepMs: number;
  clustered: boolean;
}): Bar[] {
  let state = options.seed >>> 0;
  const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const bars: Bar[] = [];
  let close = 100;
  let stormy = false;
  for (let i = 0; i < options.bars; i++) {
    if (options.clustered && uniform() < 0.1) stormy = !stormy;
    const sigma = options.clustered ? (stormy ? 0.025 : 0.004) : 0.01;
    const open = close;
    close = open * Math.exp(sigma * normal());
    const range = sigma * (0.4 + 0.8 * Math.abs(normal()));
    bars.push({
      t: options.startTime + i * options.stepMs,
      o: open,
      h: Math.max(open, close) * Math.exp(range / 2),
      l: Math.min(open, close) * Math.exp(-range / 2),
      c: close,
      v: Math.round(1e6 * (0.5 + uniform())),
    });
  }
  return bars;
}
