import { syntheticSource } from '../producer/sources/synthetic';
import type { MarketSource } from '../producer/sources/source';

/** The first bar time of the bursts: the minute after servedAndWarm's two warm-up bars. */
export const BURSTS_START = Date.parse('2024-01-02T14:32:00Z');

/**
 * The market's shape as market, tenX and floor send it: a one-minute bar for every ticker in
 * one burst, `bursts` times, a burst every `everySeconds` of wall time (60: the market; 6: ten
 * times it). Bar times step by a minute whatever the pace, so every run sends the same bars.
 */
export function marketBursts(
  tickers: number,
  bursts: number,
  everySeconds: number,
  startTime = BURSTS_START,
): MarketSource {
  return syntheticSource({ tickers, bars: bursts, seed: 43, interval: '1m', rate: 1 / everySeconds, startTime });
}
