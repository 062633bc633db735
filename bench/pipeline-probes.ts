import { setTimeout as sleep } from 'node:timers/promises';
import { listShards } from '../clients/kinesis-shards';
import { readShardHistory } from '../activities/stream-history';
import { histogramQuantile } from '../observability/metrics-summary';
import { parseMarketEvent } from '../domain/market-event';
import { parsePrometheusText, type Sample } from '../observability/prometheus-text';
import { FRESHNESS_BUCKETS_MS, METRIC, READ_STEPS } from '../observability/metrics';
import { BarsStore } from '../store/bars-store';
import { SeriesProgressStore } from '../store/series-progress-store';
import type { BenchStack } from './bench-stack';
import { quantile } from './stats';

/** What a benchmark watches the pipeline with, from outside: the tables, the stream and the worker's metrics. */

/**
 * Polls `progress` (how many of `total` are done) every `pollMs` until all are, failing when the
 * worker exits or `limitMs` passes and reporting every 10 s; returns when they were done.
 */
export async function untilAllDone(
  stack: BenchStack,
  what: string,
  total: number,
  progress: () => Promise<number>,
  limitMs: number,
  say: (line: string) => void,
  pollMs = 250,
): Promise<number> {
  const deadline = Date.now() + limitMs;
  for (let report = Date.now(); ; await sleep(pollMs)) {
    const done = await progress();
    if (done >= total) return Date.now();
    if (stack.worker.exitCode !== null) throw new Error(`the worker exited; see ${stack.workerLog}`);
    if (Date.now() > deadline) throw new Error(`${done} of ${total} ${what} after ${limitMs / 1000} s`);
    if (Date.now() - report > 10_000) {
      say(`  ${done}/${total} ${what}`);
      report = Date.now();
    }
  }
}

/** Waits until `tickers` series end at `lastBar` or later; returns when that happened. */
export async function untilStored(
  stack: BenchStack,
  tickers: number,
  lastBar: number,
  limitMs: number,
  say: (line: string) => void,
): Promise<number> {
  const series = new SeriesProgressStore(stack.aws.documents, stack.config.tables.tickers);
  const stored = async () => (await series.list()).filter((s) => s.lastBarTime >= lastBar).length;
  return untilAllDone(stack, 'series stored through their last bar', tickers, stored, limitMs, say);
}

/**
 * Waits until `tickers` series have their predictions through `lastBar`, by the prediction
 * watermark in the series table: one Scan every 2 s, light enough to leave the pipeline its
 * CPU at 8,000 tickers (the exact per-bar times come from the predictions afterwards).
 */
export async function untilSeriesPredicted(
  stack: BenchStack,
  tickers: number,
  lastBar: number,
  limitMs: number,
  say: (line: string) => void,
): Promise<number> {
  const series = new SeriesProgressStore(stack.aws.documents, stack.config.tables.tickers);
  const predicted = async () => (await series.list()).filter((s) => (s.predictedThrough ?? 0) >= lastBar).length;
  return untilAllDone(stack, 'series predicted through their last bar', tickers, predicted, limitMs, say, 2000);
}

/** Waits until every ticker has a prediction for `lastBar` (predictions are written after the bar); returns when. */
export async function untilPredicted(
  stack: BenchStack,
  tickers: readonly string[],
  interval: string,
  lastBar: number,
  limitMs: number,
  say: (line: string) => void,
): Promise<number> {
  const bars = new BarsStore(stack.aws.documents, stack.config.tables.bars);
  let waiting = [...tickers];
  const predicted = async () => {
    const latest = await Promise.all(
      waiting.map(async (t) => (await bars.forecasts.lastBefore(t, interval, Number.MAX_SAFE_INTEGER, 1))[0]),
    );
    waiting = waiting.filter((_, i) => (latest[i]?.t ?? 0) < lastBar);
    return tickers.length - waiting.length;
  };
  return untilAllDone(stack, 'tickers predicted through their last bar', tickers.length, predicted, limitMs, say);
}

/** Every metric the worker serves, as scraped now. */
export async function workerSamples(stack: BenchStack): Promise<Sample[]> {
  return parsePrometheusText(await (await fetch(stack.config.metrics.scrapeUrls[0]!)).text());
}

/** The worker's arrival → stored histogram, cumulative, as scraped now. */
export async function freshnessHistogram(stack: BenchStack): Promise<Sample[]> {
  return (await workerSamples(stack)).filter((s) => s.name === `${METRIC.freshness}_bucket`);
}

/** Where the shard reads' time went between two scrapes: each step's share, and its mean per read. */
export function readSteps(before: Sample[], after: Sample[]): string {
  const delta = (suffix: 'sum' | 'count') => {
    const named = (s: Sample) => s.name === `${METRIC.readStep}_${suffix}`;
    return between(before.filter(named), after.filter(named));
  };
  const [sums, counts] = [delta('sum'), delta('count')];
  const total = (samples: Sample[], step: string) =>
    samples.filter((s) => s.labels.step === step).reduce((n, s) => n + s.value, 0);
  const steps = READ_STEPS.map((step) => ({ step, ms: total(sums, step), reads: total(counts, step) }));
  // A commit's progress is written beside the next reads: what of it they did not hide is `wait`.
  const inLine = steps.filter((s) => s.step !== 'progress');
  const progress = steps.find((s) => s.step === 'progress')!;
  const reads = inLine[0]!.reads;
  const all = inLine.reduce((n, s) => n + s.ms, 0);
  if (all === 0) return 'no reads';
  const mean = ({ ms, reads }: { ms: number; reads: number }) => (ms / Math.max(1, reads)).toFixed(0);
  const shares = inLine.map((s) => `${s.step} ${((100 * s.ms) / all).toFixed(0)} % (${mean(s)} ms)`);
  return `${shares.join(', ')}; ${reads} reads, ${(all / Math.max(1, reads)).toFixed(0)} ms each; beside them, ${progress.reads} commits, progress ${mean(progress)} ms each`;
}

/** The histogram of what happened between two scrapes: cumulative bucket counts subtract. */
export function between(before: Sample[], after: Sample[]): Sample[] {
  const key = (s: Sample) => JSON.stringify(s.labels);
  const earlier = new Map(before.map((s) => [key(s), s.value]));
  return after.map((s) => ({ ...s, value: s.value - (earlier.get(key(s)) ?? 0) }));
}

/** p50 / p95 / p99 of a freshness histogram in ms; beyond the last finite bucket the histogram knows only that bound. */
export function histogramQuantiles(samples: Sample[]): string {
  const top = FRESHNESS_BUCKETS_MS.at(-1)!;
  const q = (p: number) => {
    const value = histogramQuantile(samples, METRIC.freshness, p);
    return value === null ? '-' : value >= top ? `≥ ${top}` : value.toFixed(0);
  };
  return `${q(0.5)} / ${q(0.95)} / ${q(0.99)}`;
}

/** Kinesis arrival time of every valid bar in the stream, keyed `ticker#interval#t`. */
export async function arrivalTimes(stack: BenchStack): Promise<Map<string, number>> {
  const { kinesis } = stack.aws;
  const streamName = stack.config.stream.name;
  const arrivals = new Map<string, number>();
  for (const shard of await listShards(kinesis, streamName)) {
    for await (const page of readShardHistory(kinesis, streamName, shard.ShardId!, 'oldest', { pageLimit: 10_000 })) {
      for (const record of page) {
        const parsed = parseMarketEvent(record.data);
        if (!parsed.ok) continue;
        const key = `${parsed.event.ticker}#${parsed.event.interval}#${Date.parse(parsed.event.t)}`;
        // A re-sent record counts from its first arrival.
        arrivals.set(key, Math.min(arrivals.get(key) ?? Infinity, record.arrivedAt));
      }
    }
  }
  return arrivals;
}

/** One bar's arrival in Kinesis → its prediction stored, in ms, by the bar's time. */
export interface BarLatency {
  t: number;
  arrivedAt: number;
  ms: number;
}

/**
 * Arrival in Kinesis → prediction stored (its bar's item written with it), per bar of
 * [from, to], exact (from the worker's forecast journal, not a histogram); a bar without a
 * prediction is not in the list.
 */
export async function predictionLatencies(
  stack: BenchStack,
  arrivals: Map<string, number>,
  tickers: readonly string[],
  interval: string,
  from: number,
  to: number,
): Promise<BarLatency[]> {
  const storedAt = await stack.forecastsStoredAt();
  const wanted = new Set(tickers);
  const latencies: BarLatency[] = [];
  for (const [key, arrived] of arrivals) {
    const [ticker, keyInterval, time] = key.split('#');
    const t = Number(time);
    if (!wanted.has(ticker!) || keyInterval !== interval || t < from || t > to) continue;
    const stored = storedAt.get(key);
    if (stored !== undefined) latencies.push({ t, arrivedAt: arrived, ms: stored - arrived });
  }
  return latencies;
}

/** Each burst's p99 in ms, in the order of the bursts (by bar time): whether single bursts move the whole run's. */
export function p99ByBurst(bars: ReadonlyArray<{ t: number; ms: number }>): string {
  const byBurst = new Map<number, number[]>();
  for (const { t, ms } of bars) {
    const burst = byBurst.get(t);
    if (burst) burst.push(ms);
    else byBurst.set(t, [ms]);
  }
  return [...byBurst.keys()]
    .sort((a, b) => a - b)
    .map((t) => quantile(byBurst.get(t)!, 0.99).toFixed(0))
    .join(', ');
}

/** p50 / p95 / p99 / max of per-bar latencies in ms, and how many bars. */
export function latencySummary(latencies: readonly number[]): string {
  if (latencies.length === 0) return 'no predictions';
  const q = (p: number) => quantile(latencies, p).toFixed(0);
  return `${q(0.5)} / ${q(0.95)} / ${q(0.99)} / ${latencies.reduce((a, b) => Math.max(a, b)).toFixed(0)} ms (${latencies.length.toLocaleString()} bars)`;
}
