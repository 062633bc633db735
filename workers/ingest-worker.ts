import v8 from 'node:v8';
import { Worker } from '@temporalio/worker';
import type { TickflowConfig } from '../config/config';
import { createIngestActivities } from '../activities';
import { BarsStore } from '../store/bars-store';
import { DeadLetterStore } from '../store/dead-letter-store';
import { SeriesProgressStore } from '../store/series-progress-store';
import { createLogger } from '../observability/logger';
import { AlertDispatcher } from '../activities/alerts';
import { alertsTopicArn } from '../clients/alerts-topic';
import { AlertRulesStore, CachedAlertRules } from '../store/alert-rules-store';
import { AlertsStore } from '../store/alerts-store';
import type { WorkerResources } from './runtime';
import { ensureShardReaders } from './shard-readers';
import { ensureTickerRegistry } from './ticker-registry';
import { createOnboardingActivities } from '../activities/onboarding';
import { OffboardedSeries } from '../activities/offboarded-series';

/**
 * The ingest worker: runs the shard-reader and ticker workflows and their activities, and
 * makes sure a reader exists for every shard. Stops gracefully on SIGINT/SIGTERM: in-flight
 * activities finish (or time out and are retried elsewhere), nothing is dropped.
 */
export async function runIngestWorker(
  config: TickflowConfig,
  { aws, temporal, connection, workflowBundle, metrics }: WorkerResources,
): Promise<void> {
  const log = createLogger('ingest-worker', config.logLevel);
  const ensured = new Set<string>();
  const shards = await ensureShardReaders(config, aws.kinesis, temporal, ensured);
  await ensureTickerRegistry(config, temporal);
  const bars = new BarsStore(aws.documents, config.tables.bars);
  const series = new SeriesProgressStore(aws.documents, config.tables.tickers);
  const ingestActivities = createIngestActivities({
    config,
    kinesis: aws.kinesis,
    temporal,
    bars,
    deadLetters: new DeadLetterStore(aws.documents, config.tables.deadLetters),
    series,
    offboarded: new OffboardedSeries(temporal),
    metrics,
    sagemakerRuntime: aws.sagemakerRuntime,
    alerts: new AlertDispatcher({
      rules: new CachedAlertRules(new AlertRulesStore(aws.documents, config.tables.alertRules)),
      alerts: new AlertsStore(aws.documents, config.tables.alerts),
      bars,
      sns: aws.sns,
      topicArn: alertsTopicArn(aws.sns, config),
    }),
  });
  const onboardingActivities = createOnboardingActivities({ config, kinesis: aws.kinesis, s3: aws.s3, series });
  const workflowCache = config.ingest.workflowCache ?? workflowCacheFor(v8.getHeapStatistics().heap_size_limit);
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowBundle,
    activities: { ...ingestActivities, ...onboardingActivities },
    maxConcurrentActivityTaskExecutions: config.ingest.activitySlots,
    maxCachedWorkflows: workflowCache,
    shutdownGraceTime: '10s',
  });
  log.info(
    { taskQueue: config.temporal.taskQueue, stream: config.stream.name, shards, workflowCache },
    'ingest worker running',
  );
  // A resharded stream is picked up without a restart: new shards get readers (after their parents').
  const reshardCheck = setInterval(() => {
    ensureShardReaders(config, aws.kinesis, temporal, ensured).catch((error: unknown) =>
      log.warn({ err: (error as Error).message }, 'could not check the stream for new shards; trying again'),
    );
  }, config.ingest.shardCheckMs);
  try {
    await worker.run();
  } finally {
    clearInterval(reshardCheck);
  }
  log.info('ingest worker stopped');
}

/**
 * Ticker workflows one worker can keep cached: one per MiB of heap above 512 MiB. An evicted
 * workflow replays its whole history at its next batch, so the cache should hold every series
 * the worker serves (memory per cached workflow: bench/RESULTS.md, scale). The SDK's own default,
 * sized for larger workflows, evicted thousands of times at the scale benchmark's 8,000 tickers.
 * Run more workers, or give one more heap, for more series.
 */
export function workflowCacheFor(heapLimitBytes: number): number {
  return Math.max(100, Math.floor(heapLimitBytes / 2 ** 20 - 512));
}
