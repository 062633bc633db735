import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Bar } from '../../domain/market-event';
import { parseYahooCsv } from '../../domain/yahoo-csv';
import { toolsDir } from '../../local/services';
import { packagedDataset } from './replay';
import type { MarketSource, SourceTick } from './source';

export interface Dataset {
  ticker: string;
  bars: Bar[];
  origin: string;
}

/** Daily OHLCV shipped by PyPI `bokeh-sampledata` (public domain, Quandl WIKI), installed into the tools venv. */
function bokehStocksFile(): string {
  const lib = path.join(toolsDir, 'venv', 'lib');
  const python = existsSync(lib) ? readdirSync(lib).find((d) => d.startsWith('python')) : undefined;
  const file = python && path.join(lib, python, 'site-packages', 'bokeh_sampledata', '_data', 'stocks.csv.gz');
  if (!file || !existsSync(file))
    throw new Error(`bokeh-sampledata is not installed in ${path.join(toolsDir, 'venv')}: run \`npm run setup\``);
  return file;
}

/**
 * Splits bokeh's `Ticker,Date,Open,High,Low,Close,Volume,Adj Close` table into one series per
 * ticker (split-adjusted through Adj Close by the Yahoo parser, whose columns it shares).
 */
export function splitStocksTable(text: string, origin: string, tickers?: readonly string[]): Dataset[] {
  const [header = '', ...rows] = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const byTicker = new Map<string, string[]>();
  for (const row of rows) {
    const ticker = row.slice(0, row.indexOf(','));
    if (!tickers || tickers.includes(ticker)) byTicker.set(ticker, [...(byTicker.get(ticker) ?? []), row]);
  }
  return [...byTicker].map(([ticker, lines]) => ({
    ticker,
    bars: parseYahooCsv([header, ...lines].join('\n'), `${origin} ${ticker}`).sort((a, b) => a.t - b.t),
    origin,
  }));
}

/**
 * Every real daily series available offline: AAPL 2013–2018 (npm @observablehq/sample-datasets)
 * and IBM, MSFT, GOOG, FB 2000–2013 (bokeh's AAPL is left out: one history per ticker).
 */
export function realDatasets(): Dataset[] {
  const aapl = packagedDataset('aapl');
  const bokeh = bokehStocksFile();
  return [
    {
      ticker: 'AAPL',
      bars: parseYahooCsv(readFileSync(aapl, 'utf8'), aapl).sort((a, b) => a.t - b.t),
      origin: '@observablehq/sample-datasets aapl.csv',
    },
    ...splitStocksTable(gunzipSync(readFileSync(bokeh)).toString('utf8'), 'bokeh-sampledata stocks.csv.gz', [
      'IBM',
      'MSFT',
      'GOOG',
      'FB',
    ]),
  ];
}

/** All series together, in bar-time order (one tick per date), as fast as the stream takes them. */
export function datasetsSource(datasets: readonly Dataset[]): MarketSource {
  const events = datasets
    .flatMap(({ ticker, bars }) => bars.map((bar) => ({ ticker, interval: '1d' as const, bar })))
    .sort((a, b) => a.bar.t - b.bar.t);
  return {
    total: events.length,
    describe: () => `${datasets.map((d) => `${d.ticker} (${d.bars.length})`).join(', ')} daily bars`,
    *ticks(): Iterable<SourceTick> {
      yield { atMs: 0, events };
    },
  };
}
