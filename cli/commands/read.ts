import type { Command } from 'commander';
import { loadConfig } from '../../config/config';
import type { AwsClients } from '../../clients/aws';
import { withAws } from '../context';
import { INDICATOR_NAMES } from '../../domain/indicators';
import { BarsStore, type StoredBar } from '../../store/bars-store';
import { DeadLetterStore } from '../../store/dead-letter-store';
import { SeriesProgressStore } from '../../store/series-progress-store';
import { emit, fixed, forecastColumns, iso, table } from '../output';
import { nextCloseForecast } from '../../domain/baseline-forecast';
import { parseInterval, parseTicker, parseTime } from './produce';
import { readWorkerMetrics, type WorkerMetrics } from '../worker-metrics';

interface SeriesStatus {
  ticker: string;
  interval: string;
  bars: number;
  lastBarTime: string;
  /** Stream arrival of the newest bar's record → that bar stored. */
  lagMs: number;
  lastStoredAt: string;
  lastClose: number | null;
  indicators: Partial<StoredBar>;
}

export async function readStatus(
  aws: AwsClients,
  config: ReturnType<typeof loadConfig>,
  ticker?: string,
  interval?: string,
) {
  const barsStore = new BarsStore(aws.documents, config.tables.bars);
  const series = (await new SeriesProgressStore(aws.documents, config.tables.tickers).list()).filter(
    (s) => (!ticker || s.ticker === ticker) && (!interval || s.interval === interval),
  );
  const statuses: SeriesStatus[] = await Promise.all(
    series.map(async (s) => {
      const [count, latest] = await Promise.all([
        barsStore.count(s.ticker, s.interval),
        barsStore.latest(s.ticker, s.interval),
      ]);
      return {
        ticker: s.ticker,
        interval: s.interval,
        bars: count,
        lastBarTime: iso(s.lastBarTime),
        lagMs: s.lastStoredAt - s.lastArrivalAt,
        lastStoredAt: iso(s.lastStoredAt),
        lastClose: latest?.c ?? null,
        indicators: Object.fromEntries(INDICATOR_NAMES.map((name) => [name, latest?.[name] ?? null])),
      };
    }),
  );
  const deadLetters = await new DeadLetterStore(aws.documents, config.tables.deadLetters).count();
  return { tickers: statuses, deadLetters };
}

export function registerReadCommands(program: Command): void {
  program
    .command('status')
    .description(
      "per ticker: bars stored, last bar, latest indicators, ingestion lag; dead-letter count; the workers' metrics (TICKFLOW_METRICS_URLS) summarised",
    )
    .option('--ticker <symbol>', 'only this ticker', parseTicker)
    .option('--interval <interval>', 'only this interval', parseInterval)
    .option('--json', 'print machine-readable output')
    .action(async (options: { ticker?: string; interval?: string; json?: boolean }) => {
      const status = await withAws(async (aws, config) => ({
        ...(await readStatus(aws, config, options.ticker, options.interval)),
        metrics: await readWorkerMetrics(config.metrics.scrapeUrls),
      }));
      emit(options.json, status, () =>
        [
          table(
            status.tickers.map((s) => ({
              ticker: s.ticker,
              interval: s.interval,
              bars: s.bars,
              'last bar': s.lastBarTime,
              'lag ms': s.lagMs,
              close: fixed(s.lastClose, 2),
              ema20: fixed(s.indicators.ema20, 2),
              rsi14: fixed(s.indicators.rsi14, 1),
              macd: fixed(s.indicators.macd, 3),
              atr14: fixed(s.indicators.atr14, 2),
            })),
          ),
          `dead letters: ${status.deadLetters}`,
          renderMetrics(status.metrics),
        ].join('\n'),
      );
    });
  program
    .command('bars')
    .description(
      "stored bars with every indicator and the forecast made at each (the model's, else the baseline's), in time order",
    )
    .requiredOption('--ticker <symbol>', 'ticker', parseTicker)
    .option('--interval <interval>', 'bar interval', parseInterval, '1d')
    .option('--from <date>', 'first bar time (inclusive)', parseTime)
    .option('--to <date>', 'last bar time (inclusive)', parseTime)
    .option('--limit <n>', 'print only the last n bars', (v) => Number(v))
    .option('--json', 'print machine-readable output')
    .action(
      async (options: {
        ticker: string;
        interval: string;
        from?: number;
        to?: number;
        limit?: number;
        json?: boolean;
      }) => {
        const { bars, model } = await withAws(async (aws, config) => {
          let rows = await new BarsStore(aws.documents, config.tables.bars).range(
            options.ticker,
            options.interval,
            options.from,
            options.to,
          );
          if (options.limit && options.limit > 0) rows = rows.slice(-options.limit);
          return { bars: rows, model: config.model };
        });
        const withForecasts = bars.map(({ prediction, ...b }) => ({
          ...b,
          forecast: nextCloseForecast(b, prediction, model.horizon, model.quantiles),
        }));
        emit(options.json, withForecasts, () =>
          table(
            withForecasts.map((b) => ({
              time: b.time,
              open: fixed(b.o, 2),
              high: fixed(b.h, 2),
              low: fixed(b.l, 2),
              close: fixed(b.c, 2),
              volume: b.v,
              sma20: fixed(b.sma20, 2),
              ema50: fixed(b.ema50, 2),
              rsi14: fixed(b.rsi14, 1),
              macd: fixed(b.macd, 3),
              bbUpper: fixed(b.bbUpper, 2),
              atr14: fixed(b.atr14, 2),
              obv: b.obv ?? '-',
              ...forecastColumns(b.forecast),
            })),
          ),
        );
      },
    );
  program
    .command('dead-letters')
    .description('records that could not be processed, with the reason')
    .option('--json', 'print machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const letters = await withAws((aws, config) =>
        new DeadLetterStore(aws.documents, config.tables.deadLetters).list(),
      );
      emit(options.json, letters, () =>
        table(letters.map((l) => ({ source: l.source, seq: l.seq, key: l.partitionKey, reason: l.reason }))),
      );
    });
}

const ms = (n: number | null) => (n === null ? '-' : `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`);

function renderMetrics({ reached, unreachable, summary }: WorkerMetrics): string {
  const lines = [
    `\nworker metrics: ${reached.length} of ${reached.length + unreachable.length} reached${unreachable.map((u) => `\n  unreachable ${u.url}: ${u.error}`).join('')}`,
  ];
  if (reached.length + unreachable.length === 0) lines.push('  (no metrics URLs: set TICKFLOW_METRICS_URLS)');
  if (!summary) return lines.join('\n');
  const { endpoint, lag, temporal } = summary;
  const retries = Object.entries(summary.batchRetries);
  const behind = Object.entries(summary.shardBehindMs);
  lines.push(
    `  bars stored          ${summary.barsStored}`,
    `  dead-lettered        ${summary.deadLettered}`,
    `  batch retries        ${retries.reduce((t, [, n]) => t + n, 0)}${retries.length ? ` (${retries.map(([a, n]) => `${a} ${n}`).join(', ')})` : ''}`,
    `  failed batches       ${summary.batchesFailed}`,
    `  endpoint             ${endpoint.calls} calls, ${endpoint.errors} errors, p50 ${ms(endpoint.p50Ms)}, p95 ${ms(endpoint.p95Ms)}, p99 ${ms(endpoint.p99Ms)}`,
    `  shard behind latest  ${behind.length ? behind.map(([shard, n]) => `${shard} ${n} ms`).join(', ') : '-'}`,
    `  freshness per bar    p50 ${ms(summary.freshnessMs.p50)}, p95 ${ms(summary.freshnessMs.p95)}, p99 ${ms(summary.freshnessMs.p99)} (${summary.freshnessMs.bars} bars)`,
    `  lag (arrival→stored) ${lag.series} series, median ${lag.medianSeconds === null ? '-' : `${lag.medianSeconds.toFixed(2)} s`}${lag.worst.length ? `; worst ${lag.worst.map((w) => `${w.ticker} ${w.interval} ${w.seconds.toFixed(2)} s`).join(', ')}` : ''}`,
    `  temporal worker      ${temporal.activityFailures} activity failures, ${temporal.workflowTaskFailures} workflow task failures, activity schedule-to-start p95 ${ms(temporal.activityScheduleToStartP95Ms)}, activity slots free ${temporal.activitySlotsAvailable ?? '-'}`,
  );
  return lines.join('\n');
}
