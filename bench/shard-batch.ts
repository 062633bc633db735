/**
 * A design probe, not the pipeline: the data plane of "one activity per shard read for every
 * ticker in it" (RESULTS.md, "What would meet the targets"), run on the same local stack and
 * model so the design's promise is a measured number before anyone builds it. Each shard's
 * read is routed, every series advanced from a per-series state kept in memory, all rows
 * written in one batched write, every row predicted in one InvokeEndpoint (1,000 rows per
 * request), all predictions written, and series progress written. Left out, and so not
 * measured: the Temporal activity around each read (one per read, not per bar), alert rules,
 * halts and replays. It reads its own stream, so the worker's pipeline never sees its records.
 *
 *   npm run bench:shard-batch -- [--tickers 8000] [--rates 60,6,2] [--steps 3]
 *   (--rates: seconds between a ticker's bars; 60 = the US market at 1-minute bars)
 */
import { CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-kinesis';
import { listShards } from '../clients/kinesis-shards';
import { featureRows, type FeatureRow } from '../domain/features';
import { routeRecords } from '../domain/route-records';
import { invokeModel } from '../activities/invoke-model';
import { predictionAt } from '../activities/predict-bars';
import { advanceSeries, loadSeriesState, type SeriesState } from '../activities/series-state';
import { toStreamRecord } from '../activities/stream-history';
import { untilStreamActive } from '../local/bootstrap';
import { produce } from '../producer/produce';
import { syntheticSource } from '../producer/sources/synthetic';
import { putAll } from '../store/batch-write';
import { BarsStore, type StoredBar } from '../store/bars-store';
import { PredictionsStore } from '../store/predictions-store';
import { SeriesStore } from '../store/series-store';
import { seriesKey } from '../store/schema';
import { serveMinuteModel } from './bench-model';
import { benchStackSetup, withBenchStack, type BenchStack } from './bench-stack';
import { benchOptions } from './options';
import { untilAllDone } from './pipeline-probes';
import { recordResults } from './results';
import { quantile } from './stats';

const { tickers: TICKERS, rates: PERIODS, steps: STEPS } = benchOptions('shard-batch', { tickers: 8000, rates: [60, 6, 2], steps: 3 });
const say = (line: string) => process.stderr.write(`[bench:shard-batch] ${line}\n`);
const MINUTE = 60_000;
const LIMIT_MS = 15 * MINUTE;

/** What the probe saw: per bar, Kinesis arrival → its prediction stored. */
interface Probe {
  processed: number;
  latencies: Array<{ t: number; ms: number }>;
  reads: number;
  /** Milliseconds spent in each step of a read, summed over all reads. */
  phases: Record<Phase, number>;
  /** Why a shard loop stopped, if one did. */
  failure?: unknown;
}
const PHASES = ['state, indicators and features', 'bars write', 'InvokeEndpoint', 'predictions write', 'series progress write'] as const;
type Phase = (typeof PHASES)[number];

/** Processes one shard read the way the shard-batched design would. */
async function processRead(stack: BenchStack, states: Map<string, SeriesState>, shardId: string, records: Parameters<typeof toStreamRecord>[0][], probe: Probe): Promise<void> {
  const { config, aws } = stack;
  const deps = { config, bars: new BarsStore(aws.documents, config.tables.bars), series: new SeriesStore(aws.documents, config.tables.tickers) };
  let mark = performance.now();
  const lap = (phase: Phase) => {
    const now = performance.now();
    probe.phases[phase] += now - mark;
    mark = now;
  };
  const { batches } = routeRecords(shardId, records.map(toStreamRecord), Number.MAX_SAFE_INTEGER);
  const rows: StoredBar[] = [];
  const features: FeatureRow[] = [];
  const arrivals: number[] = [];
  const progress: object[] = [];
  for (const { ticker, interval, batch } of batches) {
    const key = seriesKey(ticker, interval);
    const state = states.get(key) ?? (await loadSeriesState(deps, ticker, interval, batch.bars[0]!.t));
    states.set(key, state);
    const history = state.recent;
    const stored = advanceSeries(state, ticker, interval, batch.bars);
    rows.push(...stored);
    features.push(...featureRows([...history, ...stored], 1, history.length));
    arrivals.push(...batch.bars.map((b) => b.arrivedAt));
    const last = batch.bars.at(-1)!;
    progress.push({ pk: key, ticker, interval, lastBarTime: last.t, lastArrivalAt: last.arrivedAt, lastStoredAt: Date.now() });
  }
  lap('state, indicators and features');
  await deps.bars.put(rows);
  lap('bars write');
  const answer = await invokeModel(aws.sagemakerRuntime, config.sagemaker.endpointName, features.map((f) => f.features));
  lap('InvokeEndpoint');
  const predictedAt = Date.now();
  const predictions = rows.map((row, i) => predictionAt(row.ticker, row.interval, 1, features[i]!, answer.predictions[i]!, answer.modelVersion, predictedAt));
  await new PredictionsStore(aws.documents, config.tables.predictions).put(predictions);
  lap('predictions write');
  // The single writer of its series, so progress needs no condition (the live path's UpdateItem has one).
  await putAll(aws.documents, config.tables.tickers, progress, 2);
  lap('series progress write');
  const done = Date.now();
  rows.forEach((row, i) => probe.latencies.push({ t: row.t, ms: done - arrivals[i]! }));
  probe.processed += rows.length;
  probe.reads++;
}

/** One loop per shard, reading as the live path does (records or a short sleep), until stopped. */
function readShards(stack: BenchStack, stream: string, shardIds: string[], probe: Probe): { stop: () => Promise<void> } {
  let stopping = false;
  const states = new Map<string, SeriesState>();
  const loops = shardIds.map(async (shardId) => {
    let iterator = (await stack.aws.kinesis.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    while (!stopping && iterator) {
      const page = await stack.aws.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: stack.config.ingest.readLimit }));
      iterator = page.NextShardIterator;
      if ((page.Records ?? []).length > 0) await processRead(stack, states, shardId, page.Records!, probe);
      else await new Promise((r) => setTimeout(r, stack.config.ingest.pollIntervalMs));
    }
  }).map((loop) => loop.catch((error: unknown) => void (probe.failure = error)));
  return {
    stop: async () => {
      stopping = true;
      await Promise.all(loops);
    },
  };
}

async function main(): Promise<void> {
  const rows = await withBenchStack(
    say,
    async (stack) => {
      const { config, aws } = stack;
      const model = await serveMinuteModel(stack, say);
      const stream = `${config.stream.name}-probe`;
      await aws.kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: config.stream.shards }));
      await untilStreamActive(aws.kinesis, stream);
      const shardIds = (await listShards(aws.kinesis, stream)).map((s) => s.ShardId!);
      const until = (count: number) =>
        untilAllDone(stack, 'bars stored and predicted', count, async () => {
          if (probe.failure !== undefined) throw probe.failure;
          return probe.processed;
        }, LIMIT_MS, say);
      const probe: Probe = { processed: 0, latencies: [], reads: 0, phases: Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number> };
      const readers = readShards(stack, stream, shardIds, probe);
      const result: Array<[string, string]> = [['data', `${TICKERS.toLocaleString()} tickers, 1-minute bars, ${shardIds.length} shards, predictions on (model ${model})`]];
      try {
        let next = Date.parse('2024-01-02T14:30:00Z');
        say(`${TICKERS} tickers: 2 bars each, at once (series state built from storage, as after a restart)`);
        const coldStart = Date.now();
        await produce(aws.kinesis, syntheticSource({ tickers: TICKERS, bars: 2, seed: 42, interval: '1m', rate: 'max', startTime: next }), { streamName: stream });
        await until(2 * TICKERS);
        result.push(['cold start: 2 bars × every ticker, sent at once → all stored and predicted', `${((Date.now() - coldStart) / 1000).toFixed(1)} s = ${((2 * TICKERS * 1000) / (Date.now() - coldStart)).toFixed(0)} bars/s`]);
        next += 2 * MINUTE;
        for (const [i, period] of PERIODS.entries()) {
          const from = next;
          const target = probe.processed + STEPS * TICKERS;
          const offered = TICKERS / period;
          say(`a bar per ticker every ${period} s = ${offered.toFixed(0)} bars/s offered, ${STEPS} bars per ticker`);
          const t0 = Date.now();
          await produce(aws.kinesis, syntheticSource({ tickers: TICKERS, bars: STEPS, seed: 100 + i, interval: '1m', rate: 1 / period, startTime: next }), { streamName: stream });
          const producedAt = Date.now();
          const doneAt = await until(target);
          next += STEPS * MINUTE;
          const ms = probe.latencies.filter((l) => l.t >= from && l.t < next).map((l) => l.ms);
          const label = `${offered.toFixed(0)} bars/s offered (a bar per ticker every ${period} s, in bursts of ${TICKERS.toLocaleString()})`;
          const q = (p: number) => quantile(ms, p).toFixed(0);
          result.push(
            [`${label}: kept up?`, doneAt - producedAt <= Math.max(5_000, period * 1000) ? `yes (last burst predicted ${((doneAt - producedAt) / 1000).toFixed(1)} s after it was sent)` : `no: ${((doneAt - producedAt) / 1000).toFixed(0)} s after the producer finished (${((producedAt - t0) / 1000).toFixed(0)} s)`],
            [`${label}: arrival → prediction stored p50 / p95 / p99 / max`, `${q(0.5)} / ${q(0.95)} / ${q(0.99)} / ${Math.max(...ms).toFixed(0)} ms (${ms.length.toLocaleString()} bars)`],
          );
        }
      } finally {
        await readers.stop();
      }
      const total = PHASES.reduce((sum, p) => sum + probe.phases[p], 0);
      result.push(
        ['shard reads processed', probe.reads.toLocaleString()],
        ['time per read, by step (all reads)', PHASES.map((p) => `${p} ${((100 * probe.phases[p]) / total).toFixed(0)} % (${(probe.phases[p] / probe.processed * 1000).toFixed(0)} µs per bar)`).join('; ')],
      );
      return result;
    },
    { role: 'all', env: { TICKFLOW_TRAINING_INTERVAL: '1m' } },
  );
  recordResults('shard-batch', 'Design probe: one shard read for every ticker in it (data plane only)', `npm run bench:shard-batch -- --tickers ${TICKERS} --rates ${PERIODS.join(',')} --steps ${STEPS}`, rows, benchStackSetup);
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(70)} ${v}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:shard-batch failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
