import { syntheticTickerName } from '../domain/synthetic';
import { produce } from '../producer/produce';
import type { BenchStack } from './bench-stack';
import { servedAndWarm } from './bench-model';
import { marketBursts } from './market-bursts';
import {
  arrivalTimes,
  latencySummary,
  p99ByBurst,
  predictionLatencies,
  readSteps,
  untilSeriesPredicted,
  workerSamples,
} from './pipeline-probes';
import { quantile } from './stats';
import { burstWindows, cpuInWindows, cpuPerBar, type Window } from './cpu-windows';
import { clockTicksPerSecond } from './process-cpu';

const MINUTE = 60_000;

export interface BurstsShape {
  tickers: number;
  bursts: number;
  /** Wall-clock seconds between bursts: 60 is the market, 6 ten times it. */
  everySeconds: number;
}

export interface BurstsOutcome {
  /** Every bar predicted before the next burst arrived: the pipeline kept up. */
  keptUp: boolean;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The last bar's prediction stored this long after the producer finished. */
  drainMs: number;
  /** The worker's peak resident memory over the run. */
  peakRssMiB: number;
  model: string;
  tickerNames: string[];
  /** The last bar time sent. */
  lastBar: number;
  rows: Array<[string, string]>;
  /** All processes' CPU per bar while the run's bursts were in flight. */
  cpuMsPerBar: number;
  /** The same over other windows of the run (the floor's bursts beside it). */
  cpuPerBarIn: (windows: readonly Window[], bars: number) => { ms: number; text: string };
}

/**
 * The pipeline with a model in service under market-shaped load: every ticker warmed (its
 * workflow-free series stored and predicted once), then `bursts` bursts of a bar per ticker,
 * one every `everySeconds`. Latency is arrival in Kinesis → prediction stored, exact per bar
 * from the predictions' own timestamps. `beside` starts with the first burst and runs along
 * (the floor, measured under the same host); its result comes back with the run's.
 */
export async function burstsThroughPipeline<Beside = undefined>(
  stack: BenchStack,
  shape: BurstsShape,
  say: (line: string) => void,
  beside?: () => Promise<Beside>,
): Promise<BurstsOutcome & { beside?: Beside }> {
  const { tickers, bursts, everySeconds } = shape;
  const tickerNames = Array.from({ length: tickers }, (_, i) => syntheticTickerName(i));
  const { model, next } = await servedAndWarm(stack, tickerNames, say);
  const lastBar = next + (bursts - 1) * MINUTE;
  say(
    `${tickers.toLocaleString()} tickers: ${bursts} bursts of a bar each, one every ${everySeconds} s (${(tickers / everySeconds).toFixed(0)} bars/s on average)`,
  );
  const cpu = stack.cpuMeter();
  const sampler = stack.cpuSampler();
  const metricsBefore = await workerSamples(stack);
  const started = Date.now();
  const besideRun = beside?.();
  // Awaited after the run; this only keeps an early failure from counting as unhandled meanwhile.
  besideRun?.catch(() => undefined);
  await produce(stack.aws.kinesis, marketBursts(tickers, bursts, everySeconds, next), {
    streamName: stack.config.stream.name,
  });
  const producedAt = Date.now();
  const doneAt = await untilSeriesPredicted(stack, tickers, lastBar, 30 * MINUTE, say);
  const cpuShares = cpu();
  const steps = readSteps(metricsBefore, await workerSamples(stack));
  const peakRssMiB = stack.peakRssKb() / 1024;
  const besideOutcome = await besideRun;
  const samples = sampler.stop();
  const cpuPerBarIn = (windows: readonly Window[], bars: number) =>
    cpuPerBar(cpuInWindows(samples, windows, clockTicksPerSecond()), bars);
  say("reading every bar's arrival and prediction time");
  const arrivals = await arrivalTimes(stack);
  const perBar = await predictionLatencies(stack, arrivals, tickerNames, '1m', next, lastBar);
  const latencies = perBar.map((l) => l.ms);
  const lastBurst = perBar.filter((l) => l.t === lastBar).map((l) => l.ms);
  if (latencies.length !== tickers * bursts)
    throw new Error(`${latencies.length} of ${tickers * bursts} bars have a prediction after the run`);
  const maxMs = latencies.reduce((a, b) => Math.max(a, b), 0);
  const inBursts = cpuPerBarIn(
    burstWindows(perBar.map(({ t, arrivedAt, ms }) => ({ t, arrivedAt, doneAt: arrivedAt + ms }))),
    latencies.length,
  );
  const outcome = {
    cpuMsPerBar: inBursts.ms,
    keptUp: maxMs < everySeconds * 1000,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    maxMs,
    drainMs: doneAt - producedAt,
    peakRssMiB,
  };
  const rows: Array<[string, string]> = [
    [
      'load',
      `${tickers.toLocaleString()} tickers × ${bursts} one-minute bars in bursts of ${tickers.toLocaleString()}, one every ${everySeconds} s (${(tickers / everySeconds).toFixed(0)} bars/s on average), ${stack.config.stream.shards} shards; model ${model} in service`,
    ],
    [
      'run',
      `produced over ${((producedAt - started) / 1000).toFixed(0)} s; the last prediction stored ${(outcome.drainMs / 1000).toFixed(1)} s after the producer finished`,
    ],
    ['arrival → prediction stored, p50 / p95 / p99 / max', latencySummary(latencies)],
    ['the last burst alone, p50 / p95 / p99 / max', latencySummary(lastBurst)],
    ['p99 of each burst, in order (ms)', p99ByBurst(perBar)],
    [
      'kept up (every bar predicted before the next burst)',
      outcome.keptUp
        ? 'yes'
        : `no: the slowest bar took ${(maxMs / 1000).toFixed(1)} s, the bursts come every ${everySeconds} s`,
    ],
    [`CPU by process over the bursts (% of one core${beside ? ', what ran beside included' : ''})`, cpuShares],
    [
      'CPU per bar while a burst is in flight (its first arrival → its last prediction stored), by process',
      inBursts.text,
    ],
    ["a shard read's time by step over the bursts: share (mean per read)", steps],
    ['worker peak RSS', `${peakRssMiB.toFixed(0)} MiB`],
  ];
  return { ...outcome, model, tickerNames, lastBar, rows, cpuPerBarIn, beside: besideOutcome };
}
