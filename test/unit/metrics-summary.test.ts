import { histogramQuantile, summarizeMetrics } from '../../observability/metrics-summary';
import { parsePrometheusText } from '../../observability/prometheus-text';
import { SERVED_METRIC_NAMES } from '../../observability/metrics';

const page = `
# HELP tickflow_bars_stored_total Bars stored with their indicators
# TYPE tickflow_bars_stored_total counter
tickflow_bars_stored_total{interval="1d",service_name="temporal-core-sdk"} 90
tickflow_bars_stored_total{interval="1m",service_name="temporal-core-sdk"} 10
tickflow_dead_lettered_total{shard="shardId-000000000000"} 3
tickflow_batch_retries_total{activity="processBars"} 2
tickflow_batch_retries_total{activity="predictBars"} 1
tickflow_ticker_lag_seconds{interval="1d",ticker="AAPL"} 0.25
tickflow_ticker_lag_seconds{interval="1d",ticker="TSLA"} 4.5
tickflow_ticker_lag_seconds{interval="1m",ticker="MSFT"} 1
tickflow_shard_behind_latest_ms{shard="shardId-000000000000"} 1200
tickflow_endpoint_latency_ms_bucket{endpoint="p",le="10"} 50
tickflow_endpoint_latency_ms_bucket{endpoint="p",le="20"} 90
tickflow_endpoint_latency_ms_bucket{endpoint="p",le="50"} 100
tickflow_endpoint_latency_ms_bucket{endpoint="p",le="+Inf"} 100
tickflow_endpoint_latency_ms_sum{endpoint="p"} 1000
tickflow_endpoint_latency_ms_count{endpoint="p"} 100
tickflow_endpoint_errors_total{endpoint="p"} 4
tickflow_bar_freshness_ms_bucket{interval="1m",le="100"} 80
tickflow_bar_freshness_ms_bucket{interval="1m",le="1000"} 100
tickflow_bar_freshness_ms_bucket{interval="1m",le="+Inf"} 100
tickflow_bar_freshness_ms_count{interval="1m"} 100
temporal_worker_task_slots_available{worker_type="ActivityWorker",task_queue="q"} 30
temporal_worker_task_slots_available{worker_type="WorkflowWorker",task_queue="q"} 100
temporal_activity_execution_failed_total{activity_type="processBars"} 5
label_escapes{path="a\\"b\\\\c",empty=""} 1e3
`;

describe('Prometheus text format', () => {
  test('reads names, labels (escapes included) and values', () => {
    const samples = parsePrometheusText(page);
    expect(samples).toHaveLength(24);
    expect(samples[0]).toEqual({
      name: 'tickflow_bars_stored_total',
      labels: { interval: '1d', service_name: 'temporal-core-sdk' },
      value: 90,
    });
    expect(samples.at(-1)).toEqual({ name: 'label_escapes', labels: { path: 'a"b\\c', empty: '' }, value: 1000 });
    expect(parsePrometheusText('up 1 1700000000000\nnan_metric NaN\ninf{le="+Inf"} +Inf').map((s) => s.value)).toEqual([
      1,
      NaN,
      Infinity,
    ]);
  });

  test('a line it cannot read is an error naming the line, not a silent skip', () => {
    expect(() => parsePrometheusText('ok 1\nbroken{a="1" 2')).toThrow(/line 2 is not a Prometheus sample: broken/);
    expect(() => parsePrometheusText('value_missing')).toThrow(/line 1/);
    expect(() => parsePrometheusText('x{a=1} 2')).toThrow(/line 1/);
  });
});

describe('metrics summary', () => {
  test('histogram quantiles interpolate inside the bucket, as histogram_quantile does', () => {
    const samples = parsePrometheusText(page);
    expect(histogramQuantile(samples, 'tickflow_endpoint_latency_ms', 0.5)).toBeCloseTo(10);
    expect(histogramQuantile(samples, 'tickflow_endpoint_latency_ms', 0.7)).toBeCloseTo(15);
    expect(histogramQuantile(samples, 'tickflow_endpoint_latency_ms', 0.95)).toBeCloseTo(35);
    expect(histogramQuantile(samples, 'no_such_histogram', 0.5)).toBeNull();
    // Everything above the last finite bound: that bound is all that is known.
    expect(histogramQuantile(parsePrometheusText('h_bucket{le="5"} 0\nh_bucket{le="+Inf"} 3'), 'h', 0.5)).toBe(5);
  });

  test('pipeline and SDK metrics of several workers add up', () => {
    const one = parsePrometheusText(page);
    const summary = summarizeMetrics([...one, ...one], SERVED_METRIC_NAMES, 2);
    expect(summary.barsStored).toBe(200);
    expect(summary.deadLettered).toBe(6);
    expect(summary.batchRetries).toEqual({ processBars: 4, predictBars: 2 });
    expect(summary.batchesFailed).toBe(0);
    expect(summary.endpoint).toMatchObject({ calls: 200, errors: 8 });
    expect(summary.endpoint.p50Ms).toBeCloseTo(10);
    expect(summary.shardBehindMs).toEqual({ 'shardId-000000000000': 1200 });
    expect(summary.lag.worst).toEqual([
      { ticker: 'TSLA', interval: '1d', seconds: 4.5 },
      { ticker: 'TSLA', interval: '1d', seconds: 4.5 },
    ]);
    expect(summary.temporal).toMatchObject({
      activityFailures: 10,
      workflowTaskFailures: 0,
      activitySlotsAvailable: 60,
    });
    expect(summary.freshnessMs.bars).toBe(200);
    expect(summary.freshnessMs.p50).toBeCloseTo(62.5); // 50 % of 160 in the first bucket: 100 × 100/160
    expect(summary.freshnessMs.p99).toBeCloseTo(955);
  });

  test('a worker that has recorded nothing yet summarises to zeros and nulls', () => {
    const summary = summarizeMetrics([], SERVED_METRIC_NAMES);
    expect(summary).toMatchObject({
      barsStored: 0,
      deadLettered: 0,
      lag: { series: 0, medianSeconds: null, worst: [] },
    });
    expect(summary.endpoint.p99Ms).toBeNull();
  });
});
