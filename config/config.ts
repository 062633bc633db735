import path from 'node:path';
import type { INTERVALS } from '../domain/market-event';
import { envSchema, repoRoot, type Env } from './env-schema';

export { repoRoot };

/**
 * One typed configuration for every process, read from environment variables (config/env-schema.ts).
 * `local` derives endpoints from ports on 127.0.0.1; `aws` leaves endpoints to the SDK's
 * defaults unless an override is given.
 */
export interface TickflowConfig {
  stack: 'local' | 'aws';
  home: string;
  region: string;
  ports: { temporal: number; temporalUi: number; kinesis: number; dynamodb: number; moto: number; sagemaker: number };
  /** Where the local stack's DynamoDB Local keeps its tables: a folder, or memory (gone when it stops). */
  dynamodbLocal: { storage: 'disk'; dir: string } | { storage: 'memory' };
  endpoints: { kinesis?: string; dynamodb?: string; s3?: string; sns?: string; sagemaker?: string };
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    uiUrl: string;
    tls?: { cert: string; key: string };
  };
  stream: { name: string; shards: number };
  tables: {
    bars: string;
    deadLetters: string;
    tickers: string;
    predictions: string;
    models: string;
    alertRules: string;
    alerts: string;
  };
  bucket: string;
  alertsTopic: string;
  /** Set on AWS (stack output alerts_topic_arn); locally resolved from the topic name. */
  alertsTopicArn?: string;
  ingest: {
    readLimit: number;
    /** Batched writes (25 items each) a read keeps in flight: its bars, then its progress. */
    writeConcurrency: number;
    maxBarsPerBatch: number;
    warmupBars: number;
    pollIntervalMs: number;
    /** The longest a read's commit waits to be written together with the reads after it. */
    commitWithinMs: number;
    longPollMs: number;
    /** The longest a shard reader's activity reads before it reports its position to its workflow. */
    shardRunMs: number;
    /** How often an ingest worker looks for shards a reshard created, and starts their readers. */
    shardCheckMs: number;
    batchesPerRun: number;
    activitySlots: number;
    /** Workflow runs one ingest worker keeps in memory (Temporal's sticky cache); unset: sized from the heap. */
    workflowCache?: number;
  };
  sagemaker: {
    endpointName: string;
    modelImage: string;
    roleArn: string;
    trainingInstanceType: string;
    endpointInstanceType: string;
    pingTimeoutMs: number;
  };
  model: {
    /** Bars ahead the model predicts. */
    horizon: number;
    /** Quantile levels of every forecast's range, ascending, 0.5 among them. */
    quantiles: number[];
    trainingTaskQueue: string;
    /** The bar interval the model is trained on and predicts. */
    interval: (typeof INTERVALS)[number];
    trainingEveryHours: number;
    predictRetryMaxSeconds: number;
    /** Forecasts the model-in-service alert looks back over (0: off). */
    alertBars: number;
    /** Whether the latest rejected candidate is staged beside the model in service. */
    challenger: boolean;
  };
  logLevel: Env['TICKFLOW_LOG_LEVEL'];
  api: {
    host: string;
    port: number;
    /** Bearer token for mutations; unset → `tickflow api` makes one up and prints it. */
    token?: string;
  };
  metrics: {
    /** Where a worker process serves Prometheus metrics (host:port), or undefined when off. */
    bindAddress?: string;
    /** The workers' /metrics pages `tickflow status` reads. */
    scrapeUrls: string[];
    /** On AWS: also log the alarmed counters as CloudWatch embedded metrics in this namespace. */
    cloudwatchNamespace?: string;
    /** Benchmarks: the file each forecast stored is appended to (series, bar time, when it was stored). */
    forecastJournal?: string;
  };
}

export type TableNames = TickflowConfig['tables'];

/** The pipeline's DynamoDB table names: one prefix, shared by the local stack and infra/. */
export const tableNames = (prefix: string): TableNames => ({
  bars: `${prefix}-bars`,
  deadLetters: `${prefix}-dead-letters`,
  tickers: `${prefix}-tickers`,
  predictions: `${prefix}-predictions`,
  models: `${prefix}-models`,
  alertRules: `${prefix}-alert-rules`,
  alerts: `${prefix}-alerts`,
});

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid tickflow configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): TickflowConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        // A list's issue names the item ("TICKFLOW_X.2"): the variable to fix is the first part.
        const key = String(issue.path[0]);
        const given = env[key];
        const item = issue.path.length > 1 ? `item ${Number(issue.path[1]) + 1}: ` : '';
        return `${key}: ${item}${issue.message}${given === undefined ? '' : ` (got ${JSON.stringify(given)})`}`;
      }),
    );
  }
  const e = parsed.data;
  const local = e.TICKFLOW_STACK === 'local';
  const loopback = (p: number) => (local ? `http://127.0.0.1:${p}` : undefined);
  const temporalAddress = e.TEMPORAL_ADDRESS ?? (local ? `127.0.0.1:${e.TICKFLOW_TEMPORAL_PORT}` : undefined);
  if (!temporalAddress) throw new ConfigError(['TEMPORAL_ADDRESS: required when TICKFLOW_STACK=aws']);
  if (!local) {
    const missing = (['TICKFLOW_MODEL_IMAGE', 'TICKFLOW_SAGEMAKER_ROLE_ARN'] as const).filter((key) => !e[key]);
    if (missing.length)
      throw new ConfigError(
        missing.map((key) => `${key}: required when TICKFLOW_STACK=aws (see \`tickflow infra env\`)`),
      );
  }
  if (Boolean(e.TEMPORAL_TLS_CERT) !== Boolean(e.TEMPORAL_TLS_KEY)) {
    throw new ConfigError([
      `${e.TEMPORAL_TLS_CERT ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT'}: required together with ${e.TEMPORAL_TLS_CERT ? 'TEMPORAL_TLS_CERT' : 'TEMPORAL_TLS_KEY'} (mTLS)`,
    ]);
  }
  const endpoints = {
    kinesis: e.TICKFLOW_KINESIS_ENDPOINT ?? loopback(e.TICKFLOW_KINESIS_PORT),
    dynamodb: e.TICKFLOW_DYNAMODB_ENDPOINT ?? loopback(e.TICKFLOW_DYNAMODB_PORT),
    s3: e.TICKFLOW_S3_ENDPOINT ?? loopback(e.TICKFLOW_MOTO_PORT),
    sns: e.TICKFLOW_SNS_ENDPOINT ?? loopback(e.TICKFLOW_MOTO_PORT),
    sagemaker: e.TICKFLOW_SAGEMAKER_ENDPOINT ?? loopback(e.TICKFLOW_SAGEMAKER_PORT),
  };
  return {
    stack: e.TICKFLOW_STACK,
    home: path.resolve(e.TICKFLOW_HOME),
    region: e.AWS_REGION,
    ports: {
      temporal: e.TICKFLOW_TEMPORAL_PORT,
      temporalUi: e.TICKFLOW_TEMPORAL_UI_PORT,
      kinesis: e.TICKFLOW_KINESIS_PORT,
      dynamodb: e.TICKFLOW_DYNAMODB_PORT,
      moto: e.TICKFLOW_MOTO_PORT,
      sagemaker: e.TICKFLOW_SAGEMAKER_PORT,
    },
    dynamodbLocal:
      e.TICKFLOW_DYNAMODB_DATA === 'memory'
        ? { storage: 'memory' }
        : {
            storage: 'disk',
            dir: path.resolve(e.TICKFLOW_DYNAMODB_DATA ?? path.join(e.TICKFLOW_HOME, 'data', 'dynamodb')),
          },
    endpoints: Object.fromEntries(Object.entries(endpoints).filter(([, v]) => v !== undefined)),
    temporal: {
      address: temporalAddress,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TICKFLOW_TASK_QUEUE,
      uiUrl: e.TEMPORAL_UI_URL ?? `http://127.0.0.1:${e.TICKFLOW_TEMPORAL_UI_PORT}`,
      ...(e.TEMPORAL_TLS_CERT && e.TEMPORAL_TLS_KEY
        ? { tls: { cert: e.TEMPORAL_TLS_CERT, key: e.TEMPORAL_TLS_KEY } }
        : {}),
    },
    stream: { name: e.TICKFLOW_STREAM, shards: e.TICKFLOW_SHARDS },
    tables: tableNames(e.TICKFLOW_TABLE_PREFIX),
    bucket: e.TICKFLOW_BUCKET,
    alertsTopic: e.TICKFLOW_ALERTS_TOPIC,
    alertsTopicArn: e.TICKFLOW_ALERTS_TOPIC_ARN,
    ingest: {
      readLimit: e.TICKFLOW_READ_LIMIT,
      writeConcurrency: e.TICKFLOW_WRITE_CONCURRENCY,
      maxBarsPerBatch: e.TICKFLOW_MAX_BARS_PER_BATCH,
      warmupBars: e.TICKFLOW_WARMUP_BARS,
      pollIntervalMs: e.TICKFLOW_POLL_INTERVAL_MS,
      commitWithinMs: e.TICKFLOW_COMMIT_WITHIN_MS,
      longPollMs: e.TICKFLOW_LONG_POLL_MS,
      shardRunMs: e.TICKFLOW_SHARD_RUN_SECONDS * 1000,
      shardCheckMs: e.TICKFLOW_SHARD_CHECK_SECONDS * 1000,
      batchesPerRun: e.TICKFLOW_BATCHES_PER_RUN,
      activitySlots: e.TICKFLOW_ACTIVITY_SLOTS,
      ...(e.TICKFLOW_WORKFLOW_CACHE === undefined ? {} : { workflowCache: e.TICKFLOW_WORKFLOW_CACHE }),
    },
    sagemaker: {
      endpointName: e.TICKFLOW_ENDPOINT_NAME,
      // Locally every image is model/ run as a process; the name only labels it.
      modelImage: e.TICKFLOW_MODEL_IMAGE ?? 'tickflow-model:local',
      roleArn: e.TICKFLOW_SAGEMAKER_ROLE_ARN ?? 'arn:aws:iam::000000000000:role/tickflow-sagemaker-local',
      trainingInstanceType: e.TICKFLOW_TRAINING_INSTANCE_TYPE,
      endpointInstanceType: e.TICKFLOW_ENDPOINT_INSTANCE_TYPE,
      pingTimeoutMs: e.TICKFLOW_SAGEMAKER_PING_TIMEOUT_MS,
    },
    model: {
      horizon: e.TICKFLOW_HORIZON,
      quantiles: e.TICKFLOW_FORECAST_QUANTILES,
      trainingTaskQueue: e.TICKFLOW_TRAINING_TASK_QUEUE,
      interval: e.TICKFLOW_TRAINING_INTERVAL,
      trainingEveryHours: e.TICKFLOW_TRAINING_EVERY_HOURS,
      predictRetryMaxSeconds: e.TICKFLOW_PREDICT_RETRY_MAX_SECONDS,
      alertBars: e.TICKFLOW_MODEL_ALERT_BARS,
      challenger: e.TICKFLOW_MODEL_CHALLENGER === 'on',
    },
    logLevel: e.TICKFLOW_LOG_LEVEL,
    api: {
      host: e.TICKFLOW_API_HOST,
      port: e.TICKFLOW_API_PORT,
      ...(e.TICKFLOW_API_TOKEN ? { token: e.TICKFLOW_API_TOKEN } : {}),
    },
    metrics: {
      ...metricsConfig(local, e.TICKFLOW_METRICS_ADDRESS, e.TICKFLOW_METRICS_URLS),
      ...(e.TICKFLOW_CLOUDWATCH_NAMESPACE ? { cloudwatchNamespace: e.TICKFLOW_CLOUDWATCH_NAMESPACE } : {}),
      ...(e.TICKFLOW_FORECAST_JOURNAL ? { forecastJournal: e.TICKFLOW_FORECAST_JOURNAL } : {}),
    },
  };
}

/** Locally the one worker process serves on 127.0.0.1:9464; on AWS every task serves on its own address. */
function metricsConfig(
  local: boolean,
  address: string | undefined,
  urls: string[] | undefined,
): TickflowConfig['metrics'] {
  const bindAddress = address === 'off' ? undefined : (address ?? (local ? '127.0.0.1:9464' : '0.0.0.0:9464'));
  const ownUrl = bindAddress && local ? [`http://${bindAddress.replace(/^0\.0\.0\.0:/, '127.0.0.1:')}/metrics`] : [];
  return { ...(bindAddress ? { bindAddress } : {}), scrapeUrls: urls ?? ownUrl };
}

/** Where a browser reaches the API on this machine: a wildcard listen address is reached on 127.0.0.1. */
export const apiUrl = (config: Pick<TickflowConfig, 'api'>, port = config.api.port): string =>
  `http://${config.api.host === '0.0.0.0' ? '127.0.0.1' : config.api.host}:${port}`;
