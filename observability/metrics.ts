import { forecastJournal } from './forecast-journal';
import type { MetricMeter } from '@temporalio/common';
import type { TelemetryOptions } from '@temporalio/worker';
import type { SummaryNames } from './metrics-summary';
import { EMF_METRIC, type EmfCounters } from './emf';

/** Names as exported (counters get Prometheus' `_total`); `tickflow status` reads them back. */
export const METRIC = {
  barsStored: 'tickflow_bars_stored',
  tickerLag: 'tickflow_ticker_lag_seconds',
  freshness: 'tickflow_bar_freshness_ms',
  shardBehind: 'tickflow_shard_behind_latest_ms',
  deadLettered: 'tickflow_dead_lettered',
  endpointLatency: 'tickflow_endpoint_latency_ms',
  endpointErrors: 'tickflow_endpoint_errors',
  batchRetries: 'tickflow_batch_retries',
  batchesFailed: 'tickflow_batches_failed',
  readStep: 'tickflow_read_step_ms',
} as const;

/**
 * The steps of a shard read, in the order they run: its data plane, then, when it starts a commit
 * of the reads not yet committed, the wait for the commit in flight, and that commit's progress
 * write (`progress`, once per commit), which runs beside the next reads' steps.
 */
export const READ_STEPS = ['load', 'compute', 'predict', 'store', 'alerts', 'wait', 'progress'] as const;
export type ReadStep = (typeof READ_STEPS)[number];

const ENDPOINT_LATENCY_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];
export const FRESHNESS_BUCKETS_MS = [
  10, 25, 50, 100, 250, 500, 750, 1000, 1500, 2500, 5000, 10000, 30000, 60000, 120000, 300000, 600000, 1800000,
];

/**
 * The pipeline's own metrics. They are recorded on the Temporal runtime's meter, so one
 * Prometheus endpoint per worker process carries them beside the SDK's worker metrics
 * (task slots, poll and schedule-to-start latencies, failures).
 */
export interface PipelineMetrics {
  barsStored(ticker: string, interval: string, arrivals: readonly number[], storedAt: number): void;
  /** Forecasts made at bars `times` landed in storage at `storedAt` (their bars' items). */
  forecastsStored(ticker: string, interval: string, times: readonly number[], storedAt: number): void;
  shardRead(shardId: string, millisBehindLatest: number, deadLettered: number): void;
  endpointCall(endpointName: string, millis: number, ok: boolean): void;
  /** An activity attempt after the first: the previous one failed (usually an outage). */
  retry(activity: string): void;
  batchFailed(ticker: string, interval: string): void;
  /** One step of a read's data plane took `millis` (where a read's time goes, step by step). */
  readStep(step: ReadStep, millis: number): void;
}

/** Times a read's steps, one after another: each call records the time since the one before. */
export function stepClock(metrics: Pick<PipelineMetrics, 'readStep'>): (step: ReadStep) => void {
  let last = performance.now();
  return (step) => {
    const now = performance.now();
    metrics.readStep(step, now - last);
    last = now;
  };
}

/**
 * `emf`, when given (on AWS), also receives the counts the CloudWatch alarms watch; `journal`
 * (benchmarks) gets a line per forecast stored: `ticker,interval,t,storedAt`.
 */
export function pipelineMetrics(meter: MetricMeter, emf?: EmfCounters, journal?: string): PipelineMetrics {
  const barsStored = meter.createCounter(METRIC.barsStored, 'bars', 'Bars stored with their indicators');
  const freshness = meter.createHistogram(
    METRIC.freshness,
    'float',
    'ms',
    'Per bar: its record reaching Kinesis → the bar stored with its indicators',
  );
  const tickerLag = meter.createGauge(
    METRIC.tickerLag,
    'float',
    's',
    'Seconds from the newest stored bar reaching Kinesis to it being stored, per series',
  );
  const shardBehind = meter.createGauge(
    METRIC.shardBehind,
    'int',
    'ms',
    'How far the shard reader is behind the tip of its shard (Kinesis MillisBehindLatest)',
  );
  const deadLettered = meter.createCounter(
    METRIC.deadLettered,
    'records',
    'Stream records written to the dead-letter table',
  );
  const endpointLatency = meter.createHistogram(METRIC.endpointLatency, 'float', 'ms', 'InvokeEndpoint round trip');
  const endpointErrors = meter.createCounter(METRIC.endpointErrors, 'requests', 'InvokeEndpoint calls that failed');
  const retries = meter.createCounter(METRIC.batchRetries, 'attempts', 'Activity attempts after the first');
  const failed = meter.createCounter(
    METRIC.batchesFailed,
    'batches',
    'Batches that failed for good and halted their ticker',
  );
  const readStep = meter.createHistogram(
    METRIC.readStep,
    'float',
    'ms',
    "One step of the data plane over a shard read's bars, or a ticker workflow's batch (load, compute, predict, store, alerts), the wait for the read before it, and its progress write",
  );
  return {
    barsStored(ticker, interval, arrivals, storedAt) {
      barsStored.add(arrivals.length, { interval });
      emf?.add(EMF_METRIC.barsStored, arrivals.length);
      for (const arrivedAt of arrivals) freshness.record(Math.max(0, storedAt - arrivedAt), { interval });
      tickerLag.set(Math.max(0, (storedAt - arrivals[arrivals.length - 1]!) / 1000), { ticker, interval });
    },
    forecastsStored: journal ? forecastJournal(journal) : () => undefined,
    shardRead(shardId, millisBehindLatest, count) {
      shardBehind.set(millisBehindLatest, { shard: shardId });
      if (count > 0) deadLettered.add(count, { shard: shardId });
      if (count > 0) emf?.add(EMF_METRIC.deadLettered, count);
    },
    endpointCall(endpointName, millis, ok) {
      endpointLatency.record(millis, { endpoint: endpointName });
      if (!ok) endpointErrors.add(1, { endpoint: endpointName });
    },
    retry(activity) {
      retries.add(1, { activity });
    },
    batchFailed(ticker, interval) {
      failed.add(1, { ticker, interval });
      emf?.add(EMF_METRIC.batchesFailed, 1);
    },
    readStep(step, millis) {
      readStep.record(millis, { step });
    },
  };
}

/** Temporal runtime telemetry that serves every metric above (and the SDK's) at http://<address>/metrics. */
export function prometheusTelemetry(bindAddress: string): TelemetryOptions {
  return {
    metrics: {
      prometheus: {
        bindAddress,
        countersTotalSuffix: true,
        histogramBucketOverrides: {
          [METRIC.endpointLatency]: ENDPOINT_LATENCY_BUCKETS_MS,
          [METRIC.readStep]: ENDPOINT_LATENCY_BUCKETS_MS,
          [METRIC.freshness]: FRESHNESS_BUCKETS_MS,
        },
      },
    },
  };
}

/** The names as the Prometheus endpoint serves them (counters with `_total`), for readers of the page. */
export const SERVED_METRIC_NAMES = {
  barsStored: `${METRIC.barsStored}_total`,
  tickerLag: METRIC.tickerLag,
  freshness: METRIC.freshness,
  shardBehind: METRIC.shardBehind,
  deadLettered: `${METRIC.deadLettered}_total`,
  endpointLatency: METRIC.endpointLatency,
  endpointErrors: `${METRIC.endpointErrors}_total`,
  batchRetries: `${METRIC.batchRetries}_total`,
  batchesFailed: `${METRIC.batchesFailed}_total`,
} satisfies SummaryNames;
