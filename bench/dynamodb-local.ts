/**
 * How fast DynamoDB Local takes writes, by where it keeps its tables (TICKFLOW_DYNAMODB_DATA):
 * on disk, in a folder on tmpfs (/dev/shm, where there is one) and in memory. Each storage gets
 * a fresh DynamoDB Local and the bars table, then bar rows with every indicator are written the
 * two ways the pipeline writes them: 25-item BatchWriteItem calls, 2 at a time (BarsStore.put,
 * as a shard read's worth of bars), and one row per call, 16 calls at a time (one small batch
 * per ticker, as processBars does under load). Medians and spreads over --runs runs, after one
 * warm-up run.
 *
 * In memory (as the market benchmark runs) it also times one market burst's writes, 8,000
 * series × one bar, as the data plane makes them (each bar's item with its prediction, then
 * progress) against the three items per bar it wrote before (bar, prediction, progress), against
 * the bar's item alone, and against that item laid out as before store/bar-item.ts (every value
 * an attribute): what one item per bar and its layout save on this stack, and what the progress
 * write still costs.
 *
 *   npm run bench:dynamodb-local -- [--items 4000] [--runs 3]
 */
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type TickflowConfig } from '../config/config';
import { createAwsClients, destroyAwsClients } from '../clients/aws';
import { advanceSeries, emptySeriesState } from '../activities/series-state';
import { stackDown, stackUp, wipeStackData } from '../local/stack';
import { BarsStore, type StoredBar } from '../store/bars-store';
import { forecastOf, type Prediction } from '../store/predictions-store';
import { SeriesTable } from '../store/series-table';
import { SeriesProgressStore } from '../store/series-progress-store';
import { tableDefinitions } from '../store/schema';
import { benchEnv } from './bench-stack';
import { benchOptions } from './options';
import { recordResults } from './results';
import { quantile, timed } from './stats';

const { items: ITEMS, runs: RUNS } = benchOptions('dynamodb-local', { items: 4000, runs: 3 });
const say = (line: string) => process.stderr.write(`[bench:dynamodb-local] ${line}\n`);
const SINGLE_CONCURRENCY = 16;
/** One market burst: a bar for each of 8,000 series. */
const BURST_SERIES = 8000;

const home = path.join(path.dirname(benchEnv.TICKFLOW_HOME!), 'bench-dynamodb-local');
const STORAGES: Array<{ label: string; data: string }> = [
  { label: 'on disk', data: path.join(home, 'data', 'dynamodb') },
  ...(existsSync('/dev/shm') ? [{ label: 'on tmpfs (/dev/shm)', data: '/dev/shm/tickflow-bench-dynamodb-local' }] : []),
  { label: 'in memory', data: 'memory' },
];

/** `count` consecutive rows of one series per ticker, as stored: a bar and its indicators. */
function barRows(count: number, run: number): StoredBar[] {
  const rows: StoredBar[] = [];
  for (let ticker = 0; rows.length < count; ticker++) {
    const state = emptySeriesState();
    const bars = Array.from({ length: Math.min(100, count - rows.length) }, (_, i) => {
      const c = 100 + Math.sin(i / 7) * 3 + (i % 5) * 0.1;
      return { t: Date.UTC(2026, 0, 1 + run) + i * 60_000, o: c - 0.2, h: c + 0.5, l: c - 0.5, c, v: 1000 + i };
    });
    rows.push(...advanceSeries(state, `SYN${ticker}`, '1m', bars));
  }
  return rows;
}

/** A burst as the data plane stores it: each series' bar, its prediction, and its progress. */
function burst(run: number) {
  const t = Date.UTC(2026, 1, 1) + run * 60_000;
  const bars = Array.from({ length: BURST_SERIES }, (_, k) => {
    const state = emptySeriesState();
    return advanceSeries(state, `MKT${k}`, '1m', [
      { t, o: 100, h: 101, l: 99, c: 100.5, v: 1000, seq: `${run}${k}` },
    ])[0]!;
  });
  const predictions: Prediction[] = bars.map((bar) => ({
    ticker: bar.ticker,
    interval: bar.interval,
    t,
    horizon: 1,
    predictedReturn: 0.0001,
    predictedClose: 100.51,
    quantileLevels: [0.1, 0.5, 0.9],
    quantileCloses: [100.2, 100.51, 100.8],
    modelVersion: 'v20260201-000000',
    predictedAt: t,
  }));
  const progress = bars.map((bar) => ({
    ticker: bar.ticker,
    interval: bar.interval,
    lastBarTime: t,
    lastArrivalAt: t,
    lastStoredAt: t,
    predictedThrough: t,
  }));
  return {
    bars,
    predictions,
    progress,
    merged: bars.map((bar, i): StoredBar => ({ ...bar, prediction: forecastOf(predictions[i]!) })),
  };
}

/** Milliseconds per burst: three items per bar (as written before), bar and prediction in one item (now), that item alone, and laid out as before. */
async function measureBursts(aws: ReturnType<typeof createAwsClients>, config: TickflowConfig) {
  for (const definition of tableDefinitions(config.tables).slice(1))
    await aws.dynamodb.send(new CreateTableCommand(definition));
  const bars = new BarsStore(aws.documents, config.tables.bars);
  // A plain series table writes a row as it is: every value an attribute, the layout before store/bar-item.ts.
  const unpacked = new SeriesTable<StoredBar>(aws.documents, config.tables.bars);
  const predictions = new SeriesTable<Prediction>(aws.documents, config.tables.predictions);
  const series = new SeriesProgressStore(aws.documents, config.tables.tickers);
  const today: number[] = [];
  const merged: number[] = [];
  const mergedAlone: number[] = [];
  const unpackedAlone: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const [a, b, c, d] = [burst(4 * run), burst(4 * run + 1), burst(4 * run + 2), burst(4 * run + 3)];
    const todayMs = await timed(async () => {
      await unpacked.put(a.bars);
      await predictions.put(a.predictions);
      await series.putAll(a.progress);
    });
    const mergedMs = await timed(async () => {
      await bars.put(b.merged);
      await series.putAll(b.progress);
    });
    const aloneMs = await timed(() => bars.put(c.merged));
    const unpackedMs = await timed(() => unpacked.put(d.merged));
    if (run === 0) continue;
    today.push(todayMs);
    merged.push(mergedMs);
    mergedAlone.push(aloneMs);
    unpackedAlone.push(unpackedMs);
  }
  return { today, merged, mergedAlone, unpackedAlone };
}

async function measure(
  config: TickflowConfig,
  withBursts: boolean,
): Promise<{ batched: number[]; single: number[]; bursts?: Awaited<ReturnType<typeof measureBursts>> }> {
  await stackDown(config);
  wipeStackData(config);
  await stackUp(config, { only: ['dynamodb'] });
  const aws = createAwsClients(config);
  try {
    await aws.dynamodb.send(new CreateTableCommand(tableDefinitions(config.tables)[0]!));
    const bars = new BarsStore(aws.documents, config.tables.bars);
    const batched: number[] = [];
    const single: number[] = [];
    // Run 0 warms the JVM up (its first run is up to 2x slower) and is not recorded.
    for (let run = 0; run <= RUNS; run++) {
      const rows = barRows(ITEMS, 2 * run);
      const batchedRate = ITEMS / ((await timed(() => bars.put(rows))) / 1000);
      const queue = barRows(ITEMS, 2 * run + 1);
      const oneAtATime = async () => {
        for (let row = queue.pop(); row; row = queue.pop()) await bars.put([row]);
      };
      const singleRate =
        ITEMS / ((await timed(() => Promise.all(Array.from({ length: SINGLE_CONCURRENCY }, oneAtATime)))) / 1000);
      if (run === 0) continue;
      batched.push(batchedRate);
      single.push(singleRate);
    }
    return { batched, single, ...(withBursts ? { bursts: await measureBursts(aws, config) } : {}) };
  } finally {
    destroyAwsClients(aws);
    await stackDown(config);
    wipeStackData(config);
  }
}

const summary = (rates: number[]) =>
  `${quantile(rates, 0.5).toFixed(0)} items/s (runs: ${rates.map((r) => r.toFixed(0)).join(', ')})`;
const millis = (times: number[]) =>
  `${quantile(times, 0.5).toFixed(0)} ms (runs: ${times.map((t) => t.toFixed(0)).join(', ')})`;

async function main(): Promise<void> {
  const rows: Array<[string, string]> = [
    [
      'rows',
      `${ITEMS.toLocaleString()} bar rows with every indicator per run and way of writing, into the bars table of a fresh DynamoDB Local 2.6.1`,
    ],
  ];
  for (const storage of STORAGES) {
    say(`DynamoDB Local ${storage.label}`);
    const config = loadConfig({ ...benchEnv, TICKFLOW_HOME: home, TICKFLOW_DYNAMODB_DATA: storage.data });
    const { batched, single, bursts } = await measure(config, storage.data === 'memory');
    rows.push([`${storage.label}: 25-item BatchWriteItem, 2 at a time`, summary(batched)]);
    rows.push([`${storage.label}: one row per call, ${SINGLE_CONCURRENCY} at a time`, summary(single)]);
    say(`  ${summary(batched)} batched, ${summary(single)} one at a time`);
    if (bursts) {
      const burstRows: Array<[string, string]> = [
        [
          `${storage.label}: a burst (8,000 series × 1 bar) as stored before: bars, predictions, progress`,
          millis(bursts.today),
        ],
        [`${storage.label}: as stored now: each prediction in its bar's item, then progress`, millis(bursts.merged)],
        [
          `${storage.label}: bar and prediction in one item (11 attributes), no progress write`,
          millis(bursts.mergedAlone),
        ],
        [
          `${storage.label}: the same item laid out as before (every value an attribute: 26), no progress write`,
          millis(bursts.unpackedAlone),
        ],
      ];
      rows.push(...burstRows);
      for (const [k, v] of burstRows) say(`  ${k}: ${v}`);
    }
  }
  recordResults(
    'dynamodb-local',
    'DynamoDB Local: writes per second by storage, and one market burst written four ways',
    `npm run bench:dynamodb-local -- --items ${ITEMS} --runs ${RUNS}`,
    rows,
  );
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(60)} ${v}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
