/**
 * Throughput and freshness: N synthetic tickers through the whole pipeline on a fresh stack.
 * Phase 1, backlog: `--backlog` bars per ticker sent at once; sustained bars/s = bars / time
 * until every series is stored. Phase 2, live: one bar per ticker every `1 / --rate` seconds
 * for `--seconds`; per-bar freshness (Kinesis arrival → stored) from the worker's histogram,
 * and whether the lag grew over the phase.
 *
 *   npm run bench:throughput -- [--tickers 100,1000] [--backlog 20] [--rate 1] [--seconds 30]
 */
import { produce } from '../producer/produce';
import { syntheticSource } from '../producer/sources/synthetic';
import { benchStackSetup, withBenchStack } from './bench-stack';
import { between, freshnessHistogram, histogramQuantiles, untilStored } from './pipeline-probes';
import { recordResults } from './results';
import { benchOptions } from './options';

const {
  tickers: SIZES,
  backlog: BACKLOG,
  rate: RATE,
  seconds: SECONDS,
} = benchOptions('throughput', { tickers: [100, 1000], backlog: 20, rate: 1, seconds: 30 });
const say = (line: string) => process.stderr.write(`[bench:throughput] ${line}\n`);
const MINUTE = 60_000;

async function measure(tickers: number): Promise<Array<[string, string]>> {
  return withBenchStack(say, async (stack) => {
    const { config, aws } = stack;
    const start = Date.parse('2024-01-02T14:30:00Z');
    const stream = { streamName: config.stream.name };
    say(`${tickers} tickers: backlog of ${BACKLOG} bars each`);
    const t0 = Date.now();
    const backlogCpu = stack.cpuMeter();
    await produce(
      aws.kinesis,
      syntheticSource({ tickers, bars: BACKLOG, seed: 42, interval: '1m', rate: 'max', startTime: start }),
      stream,
    );
    const backlogDone = await untilStored(stack, tickers, start + (BACKLOG - 1) * MINUTE, 30 * MINUTE, say);
    const backlogRate = (tickers * BACKLOG) / ((backlogDone - t0) / 1000);
    const backlogShares = backlogCpu();
    const before = await freshnessHistogram(stack);

    const steps = Math.max(1, Math.round(SECONDS * RATE));
    say(`${tickers} tickers: live, ${RATE} bar(s) per ticker per second for ${(steps / RATE).toFixed(0)} s`);
    const t1 = Date.now();
    const liveCpu = stack.cpuMeter();
    const liveStart = start + BACKLOG * MINUTE;
    await produce(
      aws.kinesis,
      syntheticSource({ tickers, bars: steps, seed: 43, interval: '1m', rate: RATE, startTime: liveStart }),
      stream,
    );
    const producedMs = Date.now() - t1;
    const liveDone = await untilStored(stack, tickers, liveStart + (steps - 1) * MINUTE, 30 * MINUTE, say);
    const liveShares = liveCpu();
    const live = between(before, await freshnessHistogram(stack));
    const drainMs = liveDone - t1 - producedMs;

    return [
      [
        `${tickers} tickers: backlog throughput`,
        `${backlogRate.toFixed(0)} bars/s (${tickers * BACKLOG} bars in ${((backlogDone - t0) / 1000).toFixed(1)} s)`,
      ],
      [`${tickers} tickers: backlog, CPU by process (% of one core)`, backlogShares],
      [
        `${tickers} tickers: live, offered`,
        `${(tickers * RATE).toFixed(0)} bars/s on average: a bar for every ticker every ${(1 / RATE).toFixed(0)} s, ${steps} times`,
      ],
      [
        `${tickers} tickers: live, kept up?`,
        drainMs < 5000
          ? `yes (last bar stored ${(drainMs / 1000).toFixed(1)} s after the producer finished)`
          : `no: the backlog took another ${(drainMs / 1000).toFixed(0)} s to drain (lag grew)`,
      ],
      [
        `${tickers} tickers: live freshness p50 / p95 / p99 (arrival → stored)`,
        `${histogramQuantiles(live)} ms (target p99 < 1000 ms)`,
      ],
      [`${tickers} tickers: live until drained, CPU by process (% of one core)`, liveShares],
      [`${tickers} tickers: worker peak RSS`, `${(stack.peakRssKb() / 1024).toFixed(0)} MiB`],
    ];
  });
}

async function main(): Promise<void> {
  const rows: Array<[string, string]> = [];
  for (const size of SIZES) rows.push(...(await measure(size)));
  recordResults(
    `throughput-${SIZES.join('-')}`,
    `Throughput, freshness and memory: ${SIZES.map((n) => n.toLocaleString()).join(' and ')} tickers`,
    `npm run bench:throughput -- --tickers ${SIZES.join(',')} --backlog ${BACKLOG} --rate ${RATE} --seconds ${SECONDS}`,
    rows,
    benchStackSetup,
  );
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(50)} ${v}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:throughput failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
