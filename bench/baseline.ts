/**
 * tickflow against the seed's design, side by side on one stack, same data, predictions on:
 * a model is trained and deployed first, then N fresh tickers × B daily bars go (a) through
 * tickflow — Kinesis → shard readers → ticker workflows → indicators → predictions → DynamoDB —
 * and (b) through a seed-style per-record handler on a stream and table of its own
 * (bench/seed-style-handler.ts). Each side's time runs from the first record sent until the
 * last bar is stored with its prediction.
 *
 *   npm run bench:baseline -- [--tickers 100] [--bars 30]
 */
import { CreateStreamCommand } from '@aws-sdk/client-kinesis';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { connectTemporal } from '../clients/temporal';
import { untilStreamActive } from '../local/bootstrap';
import { syntheticTickerName } from '../domain/synthetic';
import { produce } from '../producer/produce';
import { syntheticSource } from '../producer/sources/synthetic';
import { tableDefinitions } from '../store/schema';
import { DAYS_PER_YEAR, seedHistory, servedModel, trainAndDeploy } from './bench-model';
import { benchStackSetup, withBenchStack, type BenchStack } from './bench-stack';
import { untilPredicted } from './pipeline-probes';
import { recordResults } from './results';
import { consumeSeedStyle } from './seed-style-handler';
import { quantile } from './stats';
import { benchOptions } from './options';

const { tickers: TICKERS, bars: BARS } = benchOptions('baseline', { tickers: 100, bars: 30 });
const DAY = 86_400_000;
const START = Date.parse('2025-01-02T00:00:00Z');
const LAST_BAR = START + (BARS - 1) * DAY;
const say = (line: string) => process.stderr.write(`[bench:baseline] ${line}\n`);
const source = () => syntheticSource({ tickers: TICKERS, bars: BARS, seed: 11, interval: '1d', rate: 'max', startTime: START });

async function seedStyleResources(stack: BenchStack): Promise<{ streamName: string; table: string }> {
  const streamName = `${stack.config.stream.name}-seed-style`;
  const table = `${stack.config.tables.bars}-seed-style`;
  await stack.aws.kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: stack.config.stream.shards }));
  await stack.aws.dynamodb.send(new CreateTableCommand({ ...tableDefinitions(stack.config.tables)[0]!, TableName: table }));
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
        const tickers = Array.from({ length: TICKERS }, (_, i) => syntheticTickerName(i));
        const total = TICKERS * BARS;

        say(`tickflow: ${TICKERS} tickers × ${BARS} daily bars`);
        const t0 = Date.now();
        await produce(aws.kinesis, source(), { streamName: config.stream.name });
        await untilPredicted(stack, tickers, '1d', LAST_BAR, 30 * 60_000, say);
        const tickflowMs = Date.now() - t0;

        say(`seed-style handler: the same ${total} bars`);
        const seed = await seedStyleResources(stack);
        const t1 = Date.now();
        await produce(aws.kinesis, source(), { streamName: seed.streamName });
        const latencies = await consumeSeedStyle(
          { kinesis: aws.kinesis, documents: aws.documents, runtime: aws.sagemakerRuntime, table: seed.table, endpointName: config.sagemaker.endpointName, horizon: config.model.horizon },
          seed.streamName,
          total,
        );
        const seedMs = Date.now() - t1;
        const rate = (ms: number) => total / (ms / 1000);
        const ratio = rate(tickflowMs) / rate(seedMs);
        return [
          ['data', `${TICKERS} fresh tickers × ${BARS} daily bars = ${total} bars, sent at once; predictions on (model ${servedModel(trained)})`],
          ['tickflow: first record sent → every bar stored and predicted', `${(tickflowMs / 1000).toFixed(1)} s = ${rate(tickflowMs).toFixed(0)} bars/s`],
          ['seed-style per-record handler (history query, indicators, 1 InvokeEndpoint, 1 PutItem per record; one invocation per shard at a time)', `${(seedMs / 1000).toFixed(1)} s = ${rate(seedMs).toFixed(0)} bars/s`],
          ['seed-style handler time per record p50 / p99', `${quantile(latencies, 0.5).toFixed(1)} / ${quantile(latencies, 0.99).toFixed(1)} ms`],
          ['tickflow / seed-style throughput (target ≥ 10×)', `${ratio.toFixed(1)}× — ${ratio >= 10 ? 'met' : 'missed'}`],
        ] as Array<[string, string]>;
      } finally {
        await connection.close();
      }
    },
    { role: 'all', env: { TICKFLOW_TRAINING_INTERVAL: '1d' } },
  );
  recordResults('baseline', 'Side by side with the seed-style design', `npm run bench:baseline -- --tickers ${TICKERS} --bars ${BARS}`, rows, benchStackSetup);
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(50)} ${v}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:baseline failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
