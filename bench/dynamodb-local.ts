/**
 * How fast DynamoDB Local takes writes, by where it keeps its tables (TICKFLOW_DYNAMODB_DATA):
 * on disk, in a folder on tmpfs (/dev/shm, where there is one) and in memory. Each storage gets
 * a fresh DynamoDB Local and the bars table, then bar rows with every indicator are written the
 * two ways the pipeline writes them: 25-item BatchWriteItem calls, 2 at a time (BarsStore.put,
 * as a shard read's worth of bars), and one row per call, 16 calls at a time (one small batch
 * per ticker, as processBars does under load). Medians and spreads over --runs runs, after one
 * warm-up run.
 *
 *   npm run bench:dynamodb-local -- [--items 4000] [--runs 3]
 */
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type TickflowConfig } from '../config/config';
import { createAwsClients, destroyAwsClients } from '../clients/aws';
import { IndicatorSet } from '../domain/indicators';
import { advanceSeries } from '../activities/series-state';
import { stackDown, stackUp, wipeStackData } from '../local/stack';
import { BarsStore, type StoredBar } from '../store/bars-store';
import { tableDefinitions } from '../store/schema';
import { benchEnv } from './bench-stack';
import { benchOptions } from './options';
import { recordResults } from './results';
import { quantile, timed } from './stats';

const { items: ITEMS, runs: RUNS } = benchOptions('dynamodb-local', { items: 4000, runs: 3 });
const say = (line: string) => process.stderr.write(`[bench:dynamodb-local] ${line}\n`);
const SINGLE_CONCURRENCY = 16;

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
    const state = { indicators: IndicatorSet.warmUp([]), recent: [], lastSeq: null, predictedThrough: null };
    const bars = Array.from({ length: Math.min(100, count - rows.length) }, (_, i) => {
      const c = 100 + Math.sin(i / 7) * 3 + (i % 5) * 0.1;
      return { t: Date.UTC(2026, 0, 1 + run) + i * 60_000, o: c - 0.2, h: c + 0.5, l: c - 0.5, c, v: 1000 + i };
    });
    rows.push(...advanceSeries(state, `SYN${ticker}`, '1m', bars));
  }
  return rows;
}

async function measure(config: TickflowConfig): Promise<{ batched: number[]; single: number[] }> {
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
    return { batched, single };
  } finally {
    destroyAwsClients(aws);
    await stackDown(config);
    wipeStackData(config);
  }
}

const summary = (rates: number[]) =>
  `${quantile(rates, 0.5).toFixed(0)} items/s (runs: ${rates.map((r) => r.toFixed(0)).join(', ')})`;

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
    const { batched, single } = await measure(config);
    rows.push([`${storage.label}: 25-item BatchWriteItem, 2 at a time`, summary(batched)]);
    rows.push([`${storage.label}: one row per call, ${SINGLE_CONCURRENCY} at a time`, summary(single)]);
    say(`  ${summary(batched)} batched, ${summary(single)} one at a time`);
  }
  recordResults(
    'dynamodb-local',
    'DynamoDB Local: writes per second by storage',
    `npm run bench:dynamodb-local -- --items ${ITEMS} --runs ${RUNS}`,
    rows,
  );
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(60)} ${v}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
