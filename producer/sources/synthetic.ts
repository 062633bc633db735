import { SyntheticMarket } from '../../domain/synthetic';
import { INTERVAL_MS, type BarInterval } from '../../domain/market-event';
import type { MarketSource, SourceTick } from './source';

export interface SyntheticOptions {
  tickers: number;
  bars: number;
  seed: number;
  interval: BarInterval;
  /** Bar steps per second (each step is one bar for every ticker); 'max' sends as fast as the stream accepts. */
  rate: number | 'max';
  startTime: number;
}

export function syntheticSource(options: SyntheticOptions): MarketSource {
  return {
    total: options.tickers * options.bars,
    describe: () =>
      `synthetic ${options.tickers} tickers × ${options.bars} ${options.interval} bars (seed ${options.seed}, rate ${options.rate} steps/s)`,
    *ticks(): Iterable<SourceTick> {
      const market = new SyntheticMarket({
        tickers: options.tickers,
        seed: options.seed,
        startTime: options.startTime,
        stepMs: INTERVAL_MS[options.interval],
      });
      for (let step = 0; step < options.bars; step++) {
        const events = market.next().map(({ ticker, bar }) => ({ ticker, interval: options.interval, bar }));
        yield { atMs: options.rate === 'max' ? 0 : (step * 1000) / options.rate, events };
      }
    },
  };
}
