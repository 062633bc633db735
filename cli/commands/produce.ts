import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../../config/config';
import { createAwsClients, destroyAwsClients } from '../../clients/aws';
import { INTERVALS, tickerSchema, type BarInterval } from '../../domain/market-event';
import { produce, type ProduceSummary } from '../../producer/produce';
import { packagedDataset, replaySource } from '../../producer/sources/replay';
import { syntheticSource } from '../../producer/sources/synthetic';
import { liveSyntheticSource } from '../../producer/sources/live-synthetic';
import { datasetsSource, realDatasets } from '../../producer/sources/datasets';
import type { MarketSource } from '../../producer/sources/source';
import { emit } from '../output';
import { registerLiveSources } from './live';

const parseSpeed = (value: string): number | 'max' => {
  if (value === 'max') return 'max';
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number or "max"');
  return n;
};
const parsePositiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
};
const parseInterval = (value: string): BarInterval => {
  if (!(INTERVALS as readonly string[]).includes(value))
    throw new InvalidArgumentError(`expected one of ${INTERVALS.join(', ')}`);
  return value as BarInterval;
};
const parseTicker = (value: string): string => {
  const parsed = tickerSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]?.message ?? 'invalid ticker');
  return parsed.data;
};
const parseTime = (value: string): number => {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new InvalidArgumentError('expected an ISO date such as 2024-01-02');
  return t;
};

/** Runs a source into the stream with progress on stderr; returns the summary. */
export async function runProducer(source: MarketSource, quiet = false): Promise<ProduceSummary> {
  const config = loadConfig();
  const aws = createAwsClients(config);
  if (!quiet) process.stderr.write(`producing: ${source.describe()} → kinesis stream ${config.stream.name}\n`);
  try {
    return await produce(aws.kinesis, source, {
      streamName: config.stream.name,
      onProgress: quiet
        ? undefined
        : ({ sent, total, retried, elapsedMs }) =>
            process.stderr.write(
              `  sent ${sent}${total ? `/${total} (${((100 * sent) / total).toFixed(0)}%)` : ''} records, ${(sent / Math.max(elapsedMs / 1000, 0.001)).toFixed(0)}/s, retried ${retried}\n`,
            ),
    });
  } finally {
    destroyAwsClients(aws);
  }
}

interface SyntheticCliOptions {
  tickers: number;
  bars: number;
  seed: number;
  interval: BarInterval;
  rate: number | 'max';
  start: number;
  live?: boolean;
  json?: boolean;
}

/** The live market stops at the next bar boundary on Ctrl-C / SIGTERM, after the stream took every bar sent. */
function liveSynthetic(options: SyntheticCliOptions, command: Command): MarketSource {
  for (const name of ['rate', 'start']) {
    if (command.getOptionValueSource(name) === 'cli')
      command.error(`error: --${name} does not apply with --live (bars follow the wall clock)`);
  }
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
  return liveSyntheticSource({
    tickers: options.tickers,
    seed: options.seed,
    interval: options.interval,
    history: options.bars,
    signal: stop.signal,
  });
}

const renderSummary = (s: ProduceSummary) =>
  `done: ${s.sent} records for ${s.tickers} ticker(s) in ${(s.durationMs / 1000).toFixed(1)}s (${s.recordsPerSecond.toFixed(0)} records/s, ${s.requests} PutRecords, ${s.retriedRecords} retried)`;

export function registerProduceCommands(program: Command): void {
  const producer = program
    .command('produce')
    .description('write market data into the Kinesis stream (partition key: ticker)');
  producer
    .command('replay')
    .description(
      'replay a Yahoo-format OHLCV CSV (default: AAPL daily 2013-2018, shipped in @observablehq/sample-datasets)',
    )
    .option('--file <csv>', 'Yahoo-format CSV (Date,Open,High,Low,Close,Adj Close,Volume)')
    .option('--ticker <symbol>', 'ticker the bars belong to', parseTicker, 'AAPL')
    .option('--interval <interval>', `bar interval (${INTERVALS.join(', ')})`, parseInterval, '1d' as BarInterval)
    .option(
      '--speed <factor|max>',
      'real-time multiplier between bar timestamps (86400 = one daily bar per second), or max',
      parseSpeed,
      'max' as const,
    )
    .option('--json', 'print the summary as JSON')
    .action(
      async (options: {
        file?: string;
        ticker: string;
        interval: BarInterval;
        speed: number | 'max';
        json?: boolean;
      }) => {
        const summary = await runProducer(
          replaySource({
            file: options.file ?? packagedDataset('aapl'),
            ticker: options.ticker,
            interval: options.interval,
            speed: options.speed,
          }),
          options.json,
        );
        emit(options.json, summary, () => renderSummary(summary));
      },
    );
  producer
    .command('synthetic')
    .description('seeded geometric Brownian motion with jumps and volume, for any number of tickers')
    .option('--tickers <n>', 'number of tickers (SYN0000, SYN0001, …)', parsePositiveInt, 100)
    .option('--bars <n>', 'bars per ticker', parsePositiveInt, 100)
    .option('--seed <n>', 'random seed', parsePositiveInt, 42)
    .option('--interval <interval>', `bar interval (${INTERVALS.join(', ')})`, parseInterval, '1m' as BarInterval)
    .option(
      '--rate <steps|max>',
      'bar steps per second (one bar for every ticker per step), or max',
      parseSpeed,
      'max' as const,
    )
    .option('--start <date>', 'time of the first bar', parseTime, Date.parse('2024-01-02T14:30:00Z'))
    .option(
      '--live',
      'on the wall clock: --bars of history at once, ending with the last closed bar, then each bar as its interval closes, until Ctrl-C (--rate and --start do not apply)',
    )
    .option('--json', 'print the summary as JSON')
    .action(async (options: SyntheticCliOptions, command: Command) => {
      const summary = await runProducer(
        options.live ? liveSynthetic(options, command) : syntheticSource({ ...options, startTime: options.start }),
        options.json,
      );
      emit(options.json, summary, () => renderSummary(summary));
    });
  producer
    .command('datasets')
    .description(
      'replay every real daily series available offline, together: AAPL 2013-2018 (npm), IBM and MSFT 2000-2013, GOOG 2004-2013, FB 2012-2013 (PyPI bokeh-sampledata, split-adjusted)',
    )
    .option('--json', 'print the summary as JSON')
    .action(async (options: { json?: boolean }) => {
      const summary = await runProducer(datasetsSource(realDatasets()), options.json);
      emit(options.json, summary, () => renderSummary(summary));
    });
  registerLiveSources(producer);
}

export { parseInterval, parsePositiveInt, parseTicker, parseTime };
