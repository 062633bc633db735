import { InvalidArgumentError, Option, type Command } from 'commander';
import { ConfigError, loadConfig } from '../../config/config';
import { connectTemporal } from '../../clients/temporal';
import { createLogger } from '../../observability/logger';
import { alpacaProtocol } from '../../producer/live/alpaca';
import type { FeedProtocol } from '../../producer/live/feed-protocol';
import { finnhubProtocol } from '../../producer/live/finnhub';
import { liveSource } from '../../producer/live/live-source';
import { registrySymbols } from '../../producer/live/registry-symbols';
import { emit } from '../output';
import { parseTicker, runProducer } from './produce';

interface LiveOptions {
  symbols?: string[];
  url: string;
  restUrl: string;
  json?: boolean;
}

const parseSymbols = (value: string): string[] => {
  const symbols = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseTicker);
  if (!symbols.length) throw new InvalidArgumentError('expected a comma-separated list of tickers');
  return [...new Set(symbols)];
};

/** A credential from the environment, or an error naming the variable to set. */
function secret(name: string): string {
  const value = process.env[name]?.trim();
  if (!value) throw new ConfigError([`${name}: required for this source (your provider's credential)`]);
  return value;
}

/**
 * Streams until Ctrl-C / SIGTERM: the socket is closed, bars already complete are written, the
 * bar still forming is dropped (it is incomplete), and the summary printed.
 */
async function runLive(protocol: FeedProtocol, options: LiveOptions): Promise<void> {
  const config = loadConfig();
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
  const temporal = options.symbols ? undefined : await connectTemporal(config);
  const symbols = options.symbols ? async () => options.symbols! : registrySymbols(temporal!.client, '1m');
  const log = createLogger(`produce-${protocol.name}`, config.logLevel);
  const source = liveSource({ protocol, symbols, signal: stop.signal, log });
  const progress = setInterval(() => log.info({ ...source.stats }, 'live feed'), 10_000);
  try {
    const summary = await runProducer(source, options.json);
    emit(
      options.json,
      { ...summary, ...source.stats },
      () =>
        `stopped: ${source.stats.emittedBars} bars from ${source.stats.connections} connection(s) (${source.stats.backfilledBars} backfilled over REST, ${source.stats.lateTrades} late trades dropped, ${source.stats.badFrames} unreadable frames)`,
    );
  } finally {
    clearInterval(progress);
    await temporal?.connection.close();
  }
}

function liveCommand(producer: Command, name: string, description: string, url: string, restUrl: string): Command {
  return producer
    .command(name)
    .description(
      `${description}; streams 1-minute bars until Ctrl-C, reconnecting with backoff and filling gaps over REST`,
    )
    .option(
      '--symbols <list>',
      'comma-separated tickers (default: follow the registry: every active 1m ticker, re-read every 5 s)',
      parseSymbols,
    )
    .option('--url <wss>', 'websocket URL', url)
    .option('--rest-url <https>', 'REST API base URL (gap backfill)', restUrl)
    .option('--json', 'print the summary as JSON');
}

export function registerLiveSources(producer: Command): void {
  liveCommand(
    producer,
    'alpaca',
    'Alpaca market data v2 (credentials: APCA_API_KEY_ID, APCA_API_SECRET_KEY)',
    'wss://stream.data.alpaca.markets/v2/iex',
    'https://data.alpaca.markets',
  )
    .addOption(
      new Option('--channel <channel>', "stream Alpaca's minute bars, or trades built into bars here")
        .choices(['bars', 'trades'])
        .default('bars'),
    )
    .option('--feed <feed>', 'historical data feed for gap backfill (iex, sip)', 'iex')
    .action(async (options: LiveOptions & { channel: 'bars' | 'trades'; feed: string }) => {
      const protocol = alpacaProtocol({
        streamUrl: options.url,
        restUrl: options.restUrl,
        keyId: secret('APCA_API_KEY_ID'),
        secretKey: secret('APCA_API_SECRET_KEY'),
        channel: options.channel,
        feed: options.feed,
      });
      await runLive(protocol, options);
    });
  liveCommand(
    producer,
    'finnhub',
    'Finnhub trades websocket, built into minute bars (credential: FINNHUB_TOKEN)',
    'wss://ws.finnhub.io',
    'https://finnhub.io',
  ).action(async (options: LiveOptions) => {
    await runLive(
      finnhubProtocol({ streamUrl: options.url, restUrl: options.restUrl, token: secret('FINNHUB_TOKEN') }),
      options,
    );
  });
}
