import { setTimeout as sleep } from 'node:timers/promises';
import { SyntheticMarket } from '../../domain/synthetic';
import { INTERVAL_MS, type BarInterval } from '../../domain/market-event';
import type { MarketSource, SourceEvent } from './source';

export interface LiveSyntheticOptions {
  tickers: number;
  seed: number;
  interval: BarInterval;
  /** Bars per ticker before the live ones, sent at once, ending with the last bar already closed. */
  history: number;
  /** Ends the stream at the next bar boundary wait. */
  signal: AbortSignal;
}

/**
 * A synthetic market on the wall clock: some history at once, then each ticker's bar as its
 * interval closes (a 1m bar stamped 14:30 is sent at 14:31), until `signal` aborts.
 */
export function liveSyntheticSource(options: LiveSyntheticOptions): MarketSource {
  const { tickers, seed, interval, history, signal } = options;
  return {
    describe: () =>
      `synthetic live market: ${tickers} tickers, ${history} ${interval} bars of history, then one bar each as each ${interval} closes (seed ${seed})`,
    async *ticks() {
      const stepMs = INTERVAL_MS[interval];
      const forming = Math.floor(Date.now() / stepMs) * stepMs;
      const market = new SyntheticMarket({ tickers, seed, startTime: forming - history * stepMs, stepMs });
      const step = (): SourceEvent[] => market.next().map(({ ticker, bar }) => ({ ticker, interval, bar }));
      for (let i = 0; i < history; i++) yield { atMs: 0, events: step() };
      for (let barStart = forming; ; barStart += stepMs) {
        const closed = await sleep(Math.max(0, barStart + stepMs - Date.now()), true, { signal }).catch(() => false);
        if (!closed) return;
        yield { atMs: 0, events: step() };
      }
    },
  };
}
