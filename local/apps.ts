import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TickflowConfig } from '../config/config';
import { apiUrl, repoRoot } from '../config/config';
import type { BarInterval } from '../domain/market-event';
import type { ProcessSpec } from './services';

/** tickflow's own long-running processes, kept in the background next to the stack's services. */
export interface AppSpec extends ProcessSpec {
  name: 'worker' | 'api' | 'market';
}

/** The synthetic market that `--live` keeps ticking: bars stamped with the wall clock. */
export interface LiveMarketOptions {
  tickers: number;
  interval: BarInterval;
  /** Bars per ticker sent at once before the live ones, so charts and indicators start full. */
  history: number;
}

export const DEFAULT_LIVE_MARKET: LiveMarketOptions = { tickers: 50, interval: '1m', history: 240 };

const tickflowCommand = (...args: string[]) => ({
  command: process.execPath,
  args: [path.join(repoRoot, 'bin', 'tickflow.js'), ...args],
});

/**
 * The token the background API guards mutations with: TICKFLOW_API_TOKEN when set, else one made
 * up once per data folder and kept (owner-only) in run/api.token, so the portal link the demo
 * prints still works after the API restarts.
 */
export function apiToken(config: TickflowConfig): string {
  if (config.api.token) return config.api.token;
  const file = path.join(config.home, 'run', 'api.token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const token = randomBytes(24).toString('base64url');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, token, { mode: 0o600 });
  return token;
}

export function appSpecs(
  config: TickflowConfig,
  options: { token?: string; market?: LiveMarketOptions } = {},
): AppSpec[] {
  const market = options.market ?? DEFAULT_LIVE_MARKET;
  const requires = {
    path: path.join(repoRoot, 'node_modules', 'tsx'),
    hint: 'the npm packages are not installed: run `npm run setup` (local/install.sh)',
  };
  const metricsPort = config.metrics.bindAddress ? [Number(config.metrics.bindAddress.split(':')[1])] : [];
  return [
    {
      name: 'worker',
      description: 'tickflow workers: shard readers, ticker workflows, training and its Schedule',
      ...tickflowCommand('worker'),
      // Its /metrics page opens once the runtime is up; without one, a live pid is all there is to check.
      ports: metricsPort,
      url: config.metrics.scrapeUrls[0] ?? 'metrics off',
      requires,
      // Shard readers finish their read and report their checkpoint before the worker exits.
      stopGraceMs: 30_000,
    },
    {
      name: 'api',
      description: 'dashboard, training portal and HTTP API',
      ...tickflowCommand('api'),
      ports: [config.api.port],
      url: `${apiUrl(config)}/`,
      requires,
      ...(options.token ? { env: { TICKFLOW_API_TOKEN: options.token } } : {}),
    },
    {
      name: 'market',
      description: `synthetic live market: ${market.tickers} tickers, one ${market.interval} bar each as each ${market.interval} closes`,
      ...tickflowCommand(
        'produce',
        'synthetic',
        '--live',
        '--tickers',
        String(market.tickers),
        '--interval',
        market.interval,
        '--bars',
        String(market.history),
      ),
      ports: [],
      url: `kinesis stream ${config.stream.name}`,
      requires,
    },
  ];
}
