import { readFileSync } from 'node:fs';
import type { Bar, BarInterval } from '../../domain/market-event';
import { parseYahooCsv } from '../../domain/yahoo-csv';
import type { MarketSource, SourceTick } from './source';

/** AAPL daily OHLCV 2013-05-13 … 2018-05-11 (1,260 rows), shipped inside an npm package. */
export function packagedDataset(name: 'aapl'): string {
  return require.resolve(`@observablehq/sample-datasets/${name}.csv`);
}

export interface ReplayOptions {
  file: string;
  ticker: string;
  interval: BarInterval;
  /** Real-time multiplier between bar timestamps (86,400 plays a daily bar per second); 'max' sends at once. */
  speed: number | 'max';
}

/** History sent as fast as the stream takes it, in bar-time order (backfills). */
export function historySource(
  ticker: string,
  interval: BarInterval,
  bars: readonly Bar[],
  origin: string,
): MarketSource {
  return {
    total: bars.length,
    describe: () => `${bars.length} ${interval} bars of ${ticker} from ${origin}`,
    *ticks(): Iterable<SourceTick> {
      yield { atMs: 0, events: bars.map((bar) => ({ ticker, interval, bar })) };
    },
  };
}

/** Replays a Yahoo-format OHLCV CSV in bar-time order. */
export function replaySource(options: ReplayOptions): MarketSource {
  const bars = parseYahooCsv(readFileSync(options.file, 'utf8'), options.file).sort((a, b) => a.t - b.t);
  if (options.speed === 'max') return historySource(options.ticker, options.interval, bars, options.file);
  const speed: number = options.speed;
  const first = bars[0]?.t ?? 0;
  return {
    total: bars.length,
    describe: () =>
      `replay ${bars.length} ${options.interval} bars of ${options.ticker} from ${options.file} at speed ${options.speed}`,
    *ticks(): Iterable<SourceTick> {
      for (const bar of bars) {
        yield { atMs: (bar.t - first) / speed, events: [{ ticker: options.ticker, interval: options.interval, bar }] };
      }
    },
  };
}
