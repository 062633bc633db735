/**
 * CloudWatch Embedded Metric Format: counters summed over a minute and written as one JSON log
 * line, which CloudWatch Logs turns into metrics by itself (no agent, no PutMetricData call).
 * On ECS the awslogs driver carries the line; the services stack alarms on the metrics.
 */
export class EmfCounters {
  private counts = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly namespace: string,
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
    private readonly now: () => number = Date.now,
  ) {}

  add(metric: string, value: number): void {
    this.counts.set(metric, (this.counts.get(metric) ?? 0) + value);
  }

  /** Writes what was counted since the last flush (nothing when nothing was). */
  flush(): void {
    if (this.counts.size === 0) return;
    const values = Object.fromEntries(this.counts);
    this.counts = new Map();
    this.write(
      JSON.stringify({
        _aws: {
          Timestamp: this.now(),
          CloudWatchMetrics: [
            {
              Namespace: this.namespace,
              Dimensions: [[]],
              Metrics: Object.keys(values).map((Name) => ({ Name, Unit: 'Count' })),
            },
          ],
        },
        ...values,
      }),
    );
  }

  start(everyMs = 60_000): void {
    this.timer = setInterval(() => this.flush(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.flush();
  }
}

/** The names the alarms of infra/ watch. */
export const EMF_METRIC = {
  deadLettered: 'DeadLettered',
  batchesFailed: 'BatchesFailed',
  barsStored: 'BarsStored',
} as const;
