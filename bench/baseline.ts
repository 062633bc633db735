/**
 * tickflow against the seed's design, side by side on one stack, same data, predictions on:
 * a model is trained and deployed first, then N fresh tickers × B daily bars go (a) through
 * tickflow — Kinesis → shard readers → ticker workflows → indicators → predictions → DynamoDB —
 * and (b) through a seed-style per-record handler on a stream and table of its own
 * (bench/seed-style-handler.ts). Each side's time runs from the first record sent until the
 * last bar is stored with its prediction. Each run sends fresh tickers through both sides in
 * turn (so every run starts cold, and drift in the machine falls on both); the figures are
 * medians over the runs, with every run's, after a warm-up run of both sides that is not counted.
 *
 *   npm run bench:baseline -- [--tickers 100] [--bars 30] [--runs 5]
 */
import { CreateStreamCommand } from '@aws-sdk/client-kinesis';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { connectTemporal } from '../clients/temporal';
import { untilStreamActive } from '../local/bootstrap';
import { syntheticTickerName } from '../domain/synthetic';
import { produce } from '../producer/produce';
import type { MarketSource } from '../producer/sources/source';
import { syntheticSource } from '../producer/sources/synthetic';
import { tableDefinitions } from '../store/schema';
import { DAYS_PER_YEAR, seedHistory, servedModel, trainAndDeploy } from './bench-model';
import { benchStackSetup, withBenchStack, type BenchStack } from './bench-stack';
import { untilPredicted } from './pipeline-probes';
import { recordFigures, recordResults } from './results';
import { consumeSeedStyle } from './seed-style-handler';
import { quantile } from './stats';
import { benchOptions } from './options';

const { tickers: TICKERS, bars: BARS, runs: RUNS } = benchOptions('baseline', { tickers: 100, bars: 30, runs: 5 });
const DAY = 86_400_000;
const START = Date.parse('2025-01-02T00:00:00Z');
const LAST_BAR = START + (BARS - 1) * DAY;
const say = (line: string) => process.stderr.write(`[bench:baseline] ${line}\n`);
/** Run r's name for a synthetic ticker: fresh tickers every run (R1SYN0000 fits the 10-character symbol rule up to run 99). */
const runTicker = (run: number, name: string) => `R${run}${name}`;
if (RUNS > 99) {
  process.stderr.write('bench baseline: --runs must be at most 99 (run numbers are part of the ticker symbols)\n');
  process.exit(2);
}

/** The same synthetic bars every run, under that run's ticker names. */
function runSource(run: number): MarketSource {
  const bars = syntheticSource({
    tickers: TICKERS,
    bars: BARS,
    seed: 11,
    interval: '1d',
    rate: 'max',
    startTime: START,
  });
  return {
    ...bars,
    async *ticks() {
      for await (const tick of bars.ticks())
        yield { ...tick, events: tick.events.map((e) => ({ ...e, ticker: runTicker(run, e.ticker) })) };
    },
  };
}

async function seedStyleResources(stack: BenchStack, run: number): Promise<{ streamName: string; table: string }> {
  const streamName = `${stack.config.stream.name}-seed-style-${run}`;
  const table = `${stack.config.tables.bars}-seed-style-${run}`;
  await stack.aws.kinesis.send(
    new CreateStreamCommand({ StreamName: streamName, ShardCount: stack.config.stream.shards }),
  );
  await stack.aws.dynamodb.send(
    new CreateTableCommand({ ...tableDefinitions(stack.config.tables)[0]!, TableName: table }),
  );
  await untilStreamActive(stack.aws.kinesis, streamName);
  return { streamName, table };
}

async function main(): Promise<void> {
  const rows = await withBenchStack(
    say,
    async (stack) => {
      const { config, aws } = stack;
      const { client, connection } = await connectTemporal(config);
      try {
        say('training a model to serve both sides (100 tickers × 1 year of daily history)');
        await seedHistory(stack, { tickers: 100, bars: DAYS_PER_YEAR, interval: '1d' }, say);
        const trained = await trainAndDeploy(stack, client);
        say(`model ${servedModel(trained)} in service`);
        const total = TICKERS * BARS;
        const runs: Array<{ tickflowMs: number; seedMs: number }> = [];
        const latencies: number[] = [];
        // Run 0 warms both sides up (the first run was always the slowest, tickflow's most) and is not counted.
        for (let run = 0; run <= RUNS; run++) {
          const label = run === 0 ? 'warm-up run (not counted)' : `run ${run}/${RUNS}`;
          const tickers = Array.from({ length: TICKERS }, (_, i) => runTicker(run, syntheticTickerName(i)));
          say(`${label}, tickflow: ${TICKERS} fresh tickers × ${BARS} daily bars`);
          const t0 = Date.now();
          await produce(aws.kinesis, runSource(run), { streamName: config.stream.name });
          await untilPredicted(stack, tickers, '1d', LAST_BAR, 30 * 60_000, say);
          const tickflowMs = Date.now() - t0;

          say(`${label}, seed-style handler: the same ${total} bars`);
          const seed = await seedStyleResources(stack, run);
          const t1 = Date.now();
          await produce(aws.kinesis, runSource(run), { streamName: seed.streamName });
          const runLatencies = await consumeSeedStyle(
            {
              kinesis: aws.kinesis,
              documents: aws.documents,
              runtime: aws.sagemakerRuntime,
              table: seed.table,
              endpointName: config.sagemaker.endpointName,
              horizon: config.model.horizon,
            },
            seed.streamName,
            total,
          );
          const seedMs = Date.now() - t1;
          if (run === 0) continue;
          latencies.push(...runLatencies);
          runs.push({ tickflowMs, seedMs });
        }
        const rate = (ms: number) => total / (ms / 1000);
        const median = (values: number[]) => quantile(values, 0.5);
        const sideRow = (ms: number[]) =>
          `${(median(ms) / 1000).toFixed(1)} s = ${rate(median(ms)).toFixed(0)} bars/s (median; runs: ${ms.map((m) => rate(m).toFixed(0)).join(', ')} bars/s)`;
        const ratios = runs.map((r) => rate(r.tickflowMs) / rate(r.seedMs));
        const ratio = median(ratios);
        recordFigures('baseline', {
          ratio,
          tickflowBarsPerSecond: rate(median(runs.map((r) => r.tickflowMs))),
          seedStyleBarsPerSecond: rate(median(runs.map((r) => r.seedMs))),
          runs: RUNS,
        });
        return [
          [
            'data',
            `${TICKERS} fresh tickers × ${BARS} daily bars = ${total} bars, sent at once, ${RUNS} runs (new tickers each) after a warm-up run of both sides; predictions on (model ${servedModel(trained)})`,
          ],
          ['tickflow: first record sent → every bar stored and predicted', sideRow(runs.map((r) => r.tickflowMs))],
          [
            'seed-style per-record handler (history query, indicators, 1 InvokeEndpoint, 1 PutItem per record; one invocation per shard at a time)',
            sideRow(runs.map((r) => r.seedMs)),
          ],
          [
            'seed-style handler time per record p50 / p99 (every run)',
            `${quantile(latencies, 0.5).toFixed(1)} / ${quantile(latencies, 0.99).toFixed(1)} ms`,
          ],
          [
            'tickflow / seed-style throughput (target ≥ 10×)',
            `${ratio.toFixed(1)}× median (runs: ${ratios.map((r) => r.toFixed(1)).join(', ')}) — ${ratio >= 10 ? 'met' : 'missed'}`,
          ],
        ] as Array<[string, string]>;
      } finally {
        await connection.close();
      }
    },
    { role: 'all', env: { TICKFLOW_TRAINING_INTERVAL: '1d' } },
  );
  recordResults(
    'baseline',
    'Side by side with the seed-style design',
    `npm run bench:baseline -- --tickers ${TICKERS} --bars ${BARS} --runs ${RUNS}`,
    rows,
    benchStackSetup,
  );
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(50)} ${v}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:baseline failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
