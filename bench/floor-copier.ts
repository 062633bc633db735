/**
 * The floor of this stack: the market's bursts copied from Kinesis to DynamoDB Local with
 * nothing else — no Temporal, no indicators, no model, no progress or alerts: each shard read
 * parsed and its bars written in one batched write, as the pipeline writes them (as many
 * requests in flight, TICKFLOW_WRITE_CONCURRENCY). It reads a
 * stream of its own, so the pipeline's worker never sees its records.
 */
import { CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-kinesis';
import { setTimeout as sleep } from 'node:timers/promises';
import { listShards } from '../clients/kinesis-shards';
import { parseMarketEvent, toBar, type Bar } from '../domain/market-event';
import { toStreamRecord } from '../activities/stream-history';
import { untilStreamActive } from '../local/bootstrap';
import { produce } from '../producer/produce';
import { SeriesTable } from '../store/series-table';
import type { BenchStack } from './bench-stack';
import type { BurstsShape } from './bursts-run';
import { marketBursts } from './market-bursts';
import { latencySummary, p99ByBurst, untilAllDone } from './pipeline-probes';
import { quantile } from './stats';
import { burstWindows, type Window } from './cpu-windows';

const MINUTE = 60_000;

/** A bar as the stream had it, under its series key: nothing computed. */
type FloorRow = Bar & { ticker: string; interval: string; seq: string };

interface Copied {
  /** Per bar: its burst (bar time), Kinesis arrival and its write acknowledged. */
  bars: Array<{ t: number; arrivedAt: number; doneAt: number }>;
  failure?: unknown;
}

export interface FloorOutcome {
  p50Ms: number;
  p99Ms: number;
  /** Each burst's first arrival → its last bar written. */
  windows: Window[];
  bars: number;
  rows: Array<[string, string]>;
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
          rows.push({
            ticker: `FLOOR-${parsed.event.ticker}`,
            interval: parsed.event.interval,
            ...toBar(parsed.event),
            seq: record.seq,
          });
          arrivals.push(record.arrivedAt);
        }
        await bars.put(rows, stack.config.ingest.writeConcurrency);
        const doneAt = Date.now();
        rows.forEach(({ t }, i) => copied.bars.push({ t, arrivedAt: arrivals[i]!, doneAt }));
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

/**
 * The floor under the same host as the run it sits beside: the same bursts on a stream of its
 * own, copied as above, each `offsetSeconds` after the run's. Steal on these VMs moves from one
 * minute to the next, so a floor measured in another phase mixes the host into market / floor.
 */
export async function floorBursts(
  stack: BenchStack,
  { tickers, bursts, everySeconds }: BurstsShape,
  offsetSeconds: number,
  say: (line: string) => void,
): Promise<FloorOutcome> {
  const { config, aws } = stack;
  const stream = `${config.stream.name}-floor`;
  await aws.kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: config.stream.shards }));
  await untilStreamActive(aws.kinesis, stream);
  const shardIds = (await listShards(aws.kinesis, stream)).map((s) => s.ShardId!);
  const copied: Copied = { bars: [] };
  const copier = copyShards(stack, stream, shardIds, copied);
  try {
    await sleep(offsetSeconds * 1000);
    say(`floor: the same bursts copied Kinesis → DynamoDB Local, ${offsetSeconds} s after each of the run's`);
    await produce(aws.kinesis, marketBursts(tickers, bursts, everySeconds), { streamName: stream });
    await untilAllDone(
      stack,
      'floor bars copied',
      tickers * bursts,
      async () => {
        if (copied.failure !== undefined) throw copied.failure;
        return copied.bars.length;
      },
      10 * MINUTE,
      say,
    );
  } finally {
    await copier.stop();
  }
  const latencies = copied.bars.map((b) => b.doneAt - b.arrivedAt);
  return {
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    windows: burstWindows(copied.bars),
    bars: copied.bars.length,
    rows: [
      [
        'floor beside it: the same bursts copied Kinesis → DynamoDB Local, a parse and one batched write per read, nothing else',
        `${shardIds.length} shards, each burst ${offsetSeconds} s after the run's; arrival → written p50 / p95 / p99 / max ${latencySummary(latencies)}`,
      ],
      [
        'floor: p99 of each burst, in order (ms)',
        p99ByBurst(copied.bars.map(({ t, arrivedAt, doneAt }) => ({ t, ms: doneAt - arrivedAt }))),
      ],
    ],
  };
}
