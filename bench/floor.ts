/**
 * The floor of this stack: the market's bursts (8,000 tickers, a bar each per minute) copied
 * from Kinesis to DynamoDB Local with nothing else — no Temporal, no indicators, no model, no
 * progress or alerts: each shard read parsed and its bars written in one batched write, as the
 * pipeline writes them. What the pipeline's freshness should be held against (market p99 / floor
 * p99). It reads a stream of its own, so the bench stack's worker never sees its records.
 *
 *   npm run bench:floor -- [--tickers 8000] [--steps 3]
 */
import { CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-kinesis';
import { setTimeout as sleep } from 'node:timers/promises';
import { listShards } from '../clients/kinesis-shards';
import { parseMarketEvent, toBar, type Bar } from '../domain/market-event';
import { toStreamRecord } from '../activities/stream-history';
import { untilStreamActive } from '../local/bootstrap';
import { produce } from '../producer/produce';
import { SeriesTable } from '../store/series-table';
import { benchStackSetup, withBenchStack, type BenchStack } from './bench-stack';
import { marketBursts } from './market-bursts';
import { benchOptions } from './options';
import { untilAllDone } from './pipeline-probes';
import { recordFigures, recordResults } from './results';
import { quantile } from './stats';

const { tickers: TICKERS, steps: STEPS } = benchOptions('floor', { tickers: 8000, steps: 3 });
const say = (line: string) => process.stderr.write(`[bench:floor] ${line}\n`);
const MINUTE = 60_000;

/** A bar as the stream had it, under its series key: nothing computed. */
type FloorRow = Bar & { ticker: string; interval: string; seq: string };

interface Copied {
  bars: number;
  /** Per bar: Kinesis arrival → its write acknowledged. */
  latencies: number[];
  failure?: unknown;
}

/** One loop per shard: read, parse, one batched write; until stopped. */
function copyShards(
  stack: BenchStack,
  stream: string,
  shardIds: string[],
  copied: Copied,
): { stop: () => Promise<void> } {
  let stopping = false;
  const bars = new SeriesTable<FloorRow>(stack.aws.documents, stack.config.tables.bars);
  const loops = shardIds
    .map(async (shardId) => {
      let iterator = (
        await stack.aws.kinesis.send(
          new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
        )
      ).ShardIterator;
      while (!stopping && iterator) {
        const page = await stack.aws.kinesis.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: stack.config.ingest.readLimit }),
        );
        iterator = page.NextShardIterator;
        const records = (page.Records ?? []).map(toStreamRecord);
        if (records.length === 0) {
          await sleep(stack.config.ingest.pollIntervalMs);
          continue;
        }
        const rows: FloorRow[] = [];
        const arrivals: number[] = [];
        for (const record of records) {
          const parsed = parseMarketEvent(record.data);
          if (!parsed.ok) continue;
          const bar = toBar(parsed.event);
          rows.push({
            ticker: `FLOOR-${parsed.event.ticker}`,
            interval: parsed.event.interval,
            ...bar,
            seq: record.seq,
          });
          arrivals.push(record.arrivedAt);
        }
        await bars.put(rows);
        const done = Date.now();
        for (const arrivedAt of arrivals) copied.latencies.push(done - arrivedAt);
        copied.bars += rows.length;
      }
    })
    .map((loop) => loop.catch((error: unknown) => void (copied.failure = error)));
  return {
    stop: async () => {
      stopping = true;
      await Promise.all(loops);
    },
  };
}

async function main(): Promise<void> {
  const rows = await withBenchStack(say, async (stack) => {
    const { config, aws } = stack;
    const stream = `${config.stream.name}-floor`;
    await aws.kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: config.stream.shards }));
    await untilStreamActive(aws.kinesis, stream);
    const shardIds = (await listShards(aws.kinesis, stream)).map((s) => s.ShardId!);
    const copied: Copied = { bars: 0, latencies: [] };
    const copier = copyShards(stack, stream, shardIds, copied);
    try {
      say(`${TICKERS} tickers, a bar each every 60 s, ${STEPS} times`);
      const t0 = Date.now();
      await produce(aws.kinesis, marketBursts(TICKERS, STEPS, 60), { streamName: stream });
      const producedAt = Date.now();
      const doneAt = await untilAllDone(
        stack,
        'bars copied',
        TICKERS * STEPS,
        async () => {
          if (copied.failure !== undefined) throw copied.failure;
          return copied.bars;
        },
        10 * MINUTE,
        say,
      );
      const q = (p: number) => quantile(copied.latencies, p).toFixed(0);
      recordFigures('floor', {
        p50Ms: quantile(copied.latencies, 0.5),
        p99Ms: quantile(copied.latencies, 0.99),
        tickers: TICKERS,
        bursts: STEPS,
      });
      return [
        [
          'data',
          `${TICKERS.toLocaleString()} tickers × ${STEPS} one-minute bars in bursts of ${TICKERS.toLocaleString()}, ${shardIds.length} shards; parse + one batched write per read, nothing else`,
        ],
        [
          'produced in',
          `${((producedAt - t0) / 1000).toFixed(0)} s; last bar written ${((doneAt - producedAt) / 1000).toFixed(1)} s after the producer finished`,
        ],
        [
          'arrival → written p50 / p95 / p99 / max',
          `${q(0.5)} / ${q(0.95)} / ${q(0.99)} / ${Math.max(...copied.latencies).toFixed(0)} ms (${copied.latencies.length.toLocaleString()} bars)`,
        ],
      ] as Array<[string, string]>;
    } finally {
      await copier.stop();
    }
  });
  recordResults(
    'floor',
    'Floor: the market bursts copied Kinesis → DynamoDB Local with nothing else',
    `npm run bench:floor -- --tickers ${TICKERS} --steps ${STEPS}`,
    rows,
    benchStackSetup,
  );
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(50)} ${v}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:floor failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
