import type { Sample } from './prometheus-text';

/** Metric names as served (see observability/metrics.ts; counters carry `_total`). */
export interface SummaryNames {
  barsStored: string;
  tickerLag: string;
  freshness: string;
  shardBehind: string;
  deadLettered: string;
  endpointLatency: string;
  endpointErrors: string;
  batchRetries: string;
  batchesFailed: string;
}

interface SeriesLag {
  ticker: string;
  interval: string;
  seconds: number;
}

export interface MetricsSummary {
  barsStored: number;
  deadLettered: number;
  batchRetries: Record<string, number>;
  batchesFailed: number;
  endpoint: { calls: number; errors: number; p50Ms: number | null; p95Ms: number | null; p99Ms: number | null };
  shardBehindMs: Record<string, number>;
  lag: { series: number; medianSeconds: number | null; worst: SeriesLag[] };
  /** Per bar, Kinesis arrival → stored, from the histogram (bucket-interpolated). */
  freshnessMs: { bars: number; p50: number | null; p95: number | null; p99: number | null };
  temporal: {
    activityFailures: number;
    workflowTaskFailures: number;
    activityScheduleToStartP95Ms: number | null;
    activitySlotsAvailable: number | null;
  };
}

const TEMPORAL = {
  activityFailures: 'temporal_activity_execution_failed_total',
  workflowTaskFailures: 'temporal_workflow_task_execution_failed_total',
  activityScheduleToStart: 'temporal_activity_schedule_to_start_latency',
  slotsAvailable: 'temporal_worker_task_slots_available',
};

const sum = (samples: readonly Sample[], name: string) =>
  samples.filter((s) => s.name === name).reduce((total, s) => total + s.value, 0);

function sumBy(samples: readonly Sample[], name: string, label: string): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const s of samples)
    if (s.name === name) totals[s.labels[label] ?? '?'] = (totals[s.labels[label] ?? '?'] ?? 0) + s.value;
  return totals;
}

/**
 * The q-quantile of a Prometheus histogram (buckets of every worker added together), by linear
 * interpolation inside the bucket it falls in, as PromQL's histogram_quantile does; null when
 * nothing was recorded.
 */
export function histogramQuantile(samples: readonly Sample[], name: string, q: number): number | null {
  const byBound = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket`) continue;
    const bound = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    byBound.set(bound, (byBound.get(bound) ?? 0) + s.value);
  }
  const buckets = [...byBound.entries()].sort(([a], [b]) => a - b);
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [bound, count] of buckets) {
    if (count >= rank) {
      if (bound === Infinity) return lowerBound; // above the last finite bucket: its bound is all we know
      return lowerBound + ((bound - lowerBound) * (rank - lowerCount)) / Math.max(count - lowerCount, 1e-12);
    }
    lowerBound = bound;
    lowerCount = count;
  }
  return lowerBound;
}

/** Summarises the samples scraped from every worker into what `tickflow status` prints. */
export function summarizeMetrics(samples: readonly Sample[], names: SummaryNames, worstCount = 5): MetricsSummary {
  const lags = samples
    .filter((s) => s.name === names.tickerLag)
    .map((s) => ({ ticker: s.labels.ticker ?? '?', interval: s.labels.interval ?? '?', seconds: s.value }))
    .sort((a, b) => b.seconds - a.seconds);
  const sortedSeconds = lags.map((l) => l.seconds).sort((a, b) => a - b);
  const shardBehindMs: Record<string, number> = {};
  for (const s of samples)
    if (s.name === names.shardBehind)
      shardBehindMs[s.labels.shard ?? '?'] = Math.max(shardBehindMs[s.labels.shard ?? '?'] ?? 0, s.value);
  const slots = samples.filter(
    (s) => s.name === TEMPORAL.slotsAvailable && /activity/i.test(s.labels.worker_type ?? ''),
  );
  return {
    barsStored: sum(samples, names.barsStored),
    deadLettered: sum(samples, names.deadLettered),
    batchRetries: sumBy(samples, names.batchRetries, 'activity'),
    batchesFailed: sum(samples, names.batchesFailed),
    endpoint: {
      calls: sum(samples, `${names.endpointLatency}_count`),
      errors: sum(samples, names.endpointErrors),
      p50Ms: histogramQuantile(samples, names.endpointLatency, 0.5),
      p95Ms: histogramQuantile(samples, names.endpointLatency, 0.95),
      p99Ms: histogramQuantile(samples, names.endpointLatency, 0.99),
    },
    shardBehindMs,
    freshnessMs: {
      bars: sum(samples, `${names.freshness}_count`),
      p50: histogramQuantile(samples, names.freshness, 0.5),
      p95: histogramQuantile(samples, names.freshness, 0.95),
      p99: histogramQuantile(samples, names.freshness, 0.99),
    },
    lag: {
      series: lags.length,
      medianSeconds: sortedSeconds.length ? sortedSeconds[Math.floor((sortedSeconds.length - 1) / 2)]! : null,
      worst: lags.slice(0, worstCount),
    },
    temporal: {
      activityFailures: sum(samples, TEMPORAL.activityFailures),
      workflowTaskFailures: sum(samples, TEMPORAL.workflowTaskFailures),
      activityScheduleToStartP95Ms: histogramQuantile(samples, TEMPORAL.activityScheduleToStart, 0.95),
      activitySlotsAvailable: slots.length ? slots.reduce((t, s) => t + s.value, 0) : null,
    },
  };
}
