import path from 'node:path';
import { z } from 'zod';
import { INTERVALS } from '../domain/market-event';
import { DEFAULT_WARMUP_BARS } from '../domain/indicators';

/**
 * One typed configuration for every process, read from environment variables.
 * Each schema key is the variable's own name, so a validation error names exactly
 * what to fix. `local` derives endpoints from ports on 127.0.0.1; `aws` leaves
 * endpoints to the SDK's defaults unless an override is given.
 */
const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const url = z.url().optional();
const name = (fallback: string) =>
  z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'letters, digits, "_", "." or "-" only').default(fallback);

/** Comma-separated levels strictly between 0 and 1, 0.5 among them (the median is the point forecast). */
const quantileLevels = z
  .string()
  .default('0.1,0.5,0.9')
  .transform((text) => text.split(',').map((part) => Number(part.trim())))
  .pipe(
    z
      .array(z.number().gt(0, 'each level above 0').lt(1, 'each level below 1'))
      .min(3, 'at least three levels: a low, the median 0.5 and a high')
      .refine((levels) => levels.includes(0.5), 'levels must include the median, 0.5')
      .refine((levels) => levels.every((level, i) => i === 0 || level > levels[i - 1]!), 'levels in ascending order, each once'),
  );

export const repoRoot = path.resolve(__dirname, '..');

const envSchema = z.object({
  TICKFLOW_STACK: z.enum(['local', 'aws']).default('local'),
  TICKFLOW_HOME: z.string().min(1).default(path.join(repoRoot, '.tickflow')),
  AWS_REGION: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as us-east-1').default('us-east-1'),
  TICKFLOW_TEMPORAL_PORT: port(7233),
  TICKFLOW_TEMPORAL_UI_PORT: port(8233),
  TICKFLOW_KINESIS_PORT: port(4567),
  TICKFLOW_DYNAMODB_PORT: port(8000),
  TICKFLOW_MOTO_PORT: port(5000),
  TICKFLOW_SAGEMAKER_PORT: port(8086),
  TICKFLOW_DYNAMODB_DATA: z.string().min(1).optional(),
  TICKFLOW_KINESIS_ENDPOINT: url,
  TICKFLOW_DYNAMODB_ENDPOINT: url,
  TICKFLOW_S3_ENDPOINT: url,
  TICKFLOW_SNS_ENDPOINT: url,
  TICKFLOW_SAGEMAKER_ENDPOINT: url,
  TEMPORAL_ADDRESS: z.string().regex(/^[^\s:]+:\d+$/, 'host:port').optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_UI_URL: url,
  TEMPORAL_TLS_CERT: z.string().includes('BEGIN CERTIFICATE', { message: 'a PEM certificate' }).optional(),
  TEMPORAL_TLS_KEY: z.string().includes('PRIVATE KEY', { message: 'a PEM private key' }).optional(),
  TICKFLOW_TASK_QUEUE: name('tickflow-ingest'),
  TICKFLOW_STREAM: name('tickflow-market-data'),
  TICKFLOW_SHARDS: positiveInt(2).pipe(z.number().max(50)),
  TICKFLOW_TABLE_PREFIX: name('tickflow'),
  TICKFLOW_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{2,62}$/, 'an S3 bucket name').default('tickflow-data'),
  TICKFLOW_ALERTS_TOPIC: name('tickflow-alerts'),
  TICKFLOW_ALERTS_TOPIC_ARN: z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/, 'an SNS topic ARN').optional(),
  TICKFLOW_READ_LIMIT: positiveInt(2000).pipe(z.number().max(10000)),
  TICKFLOW_MAX_BARS_PER_BATCH: positiveInt(500).pipe(z.number().max(2000)),
  TICKFLOW_WARMUP_BARS: positiveInt(DEFAULT_WARMUP_BARS).pipe(z.number().min(100)),
  TICKFLOW_POLL_INTERVAL_MS: positiveInt(200),
  TICKFLOW_LONG_POLL_MS: positiveInt(10000),
  TICKFLOW_SHARD_RUN_SECONDS: positiveInt(60).pipe(z.number().max(600)),
  TICKFLOW_SHARD_CHECK_SECONDS: positiveInt(60),
  TICKFLOW_BATCHES_PER_RUN: positiveInt(200),
  TICKFLOW_ACTIVITY_SLOTS: positiveInt(32).pipe(z.number().max(1000)),
  TICKFLOW_WORKFLOW_CACHE: z.coerce.number().int().min(2).optional(),
  TICKFLOW_TRAINING_TASK_QUEUE: name('tickflow-training'),
  TICKFLOW_ENDPOINT_NAME: z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'a SageMaker endpoint name: letters, digits and single hyphens').default('tickflow-predictor'),
  TICKFLOW_MODEL_IMAGE: z.string().min(1).optional(),
  TICKFLOW_SAGEMAKER_ROLE_ARN: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'an IAM role ARN').optional(),
  TICKFLOW_TRAINING_INSTANCE_TYPE: z.string().regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/, 'a SageMaker instance type such as ml.m5.large').default('ml.m5.large'),
  TICKFLOW_ENDPOINT_INSTANCE_TYPE: z.string().regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/, 'a SageMaker instance type such as ml.t2.medium').default('ml.t2.medium'),
  TICKFLOW_TRAINING_INTERVAL: z.enum(INTERVALS).default('1d'),
  TICKFLOW_HORIZON: positiveInt(1).pipe(z.number().max(60)),
  TICKFLOW_FORECAST_QUANTILES: quantileLevels,
  TICKFLOW_TRAINING_EVERY_HOURS: positiveInt(72),
  TICKFLOW_PREDICT_RETRY_MAX_SECONDS: positiveInt(60).pipe(z.number().max(3600)),
  TICKFLOW_SAGEMAKER_PING_TIMEOUT_MS: positiveInt(60_000),
  TICKFLOW_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  TICKFLOW_API_PORT: port(8787),
  TICKFLOW_API_HOST: z.string().regex(/^[0-9a-fA-F.:]+$|^localhost$/, 'an IP address to listen on, such as 127.0.0.1 or 0.0.0.0').default('127.0.0.1'),
  TICKFLOW_API_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  TICKFLOW_CLOUDWATCH_NAMESPACE: z.string().regex(/^[A-Za-z0-9/_.#:-]{1,255}$/, 'a CloudWatch namespace such as tickflow/prod').optional(),
  TICKFLOW_METRICS_ADDRESS: z.union([z.literal('off'), z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'host:port to serve /metrics on, or "off"')]).optional(),
  TICKFLOW_METRICS_URLS: z
    .string()
    .transform((list) => list.split(',').map((u) => u.trim()).filter(Boolean))
    .pipe(z.array(z.url('a comma-separated list of http://host:port/metrics URLs')))
    .optional(),
});

export type Env = z.infer<typeof envSchema>;

export interface TickflowConfig {
  stack: 'local' | 'aws';
  home: string;
  region: string;
  ports: { temporal: number; temporalUi: number; kinesis: number; dynamodb: number; moto: number; sagemaker: number };
  /** Where the local stack's DynamoDB Local keeps its tables: a folder, or memory (gone when it stops). */
  dynamodbLocal: { storage: 'disk'; dir: string } | { storage: 'memory' };
  endpoints: { kinesis?: string; dynamodb?: string; s3?: string; sns?: string; sagemaker?: string };
  temporal: { address: string; namespace: string; taskQueue: string; uiUrl: string; tls?: { cert: string; key: string } };
  stream: { name: string; shards: number };
  tables: { bars: string; deadLetters: string; tickers: string; predictions: string; models: string; alertRules: string; alerts: string };
  bucket: string;
  alertsTopic: string;
  /** Set on AWS (stack output alerts_topic_arn); locally resolved from the topic name. */
  alertsTopicArn?: string;
  ingest: {
    readLimit: number;
    maxBarsPerBatch: number;
    warmupBars: number;
    pollIntervalMs: number;
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
    if (missing.length) throw new ConfigError(missing.map((key) => `${key}: required when TICKFLOW_STACK=aws (see \`tickflow infra env\`)`));
  }
  if (Boolean(e.TEMPORAL_TLS_CERT) !== Boolean(e.TEMPORAL_TLS_KEY)) {
    throw new ConfigError([`${e.TEMPORAL_TLS_CERT ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT'}: required together with ${e.TEMPORAL_TLS_CERT ? 'TEMPORAL_TLS_CERT' : 'TEMPORAL_TLS_KEY'} (mTLS)`]);
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
        : { storage: 'disk', dir: path.resolve(e.TICKFLOW_DYNAMODB_DATA ?? path.join(e.TICKFLOW_HOME, 'data', 'dynamodb')) },
    endpoints: Object.fromEntries(Object.entries(endpoints).filter(([, v]) => v !== undefined)),
    temporal: {
      address: temporalAddress,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TICKFLOW_TASK_QUEUE,
      uiUrl: e.TEMPORAL_UI_URL ?? `http://127.0.0.1:${e.TICKFLOW_TEMPORAL_UI_PORT}`,
      ...(e.TEMPORAL_TLS_CERT && e.TEMPORAL_TLS_KEY ? { tls: { cert: e.TEMPORAL_TLS_CERT, key: e.TEMPORAL_TLS_KEY } } : {}),
    },
    stream: { name: e.TICKFLOW_STREAM, shards: e.TICKFLOW_SHARDS },
    tables: tableNames(e.TICKFLOW_TABLE_PREFIX),
    bucket: e.TICKFLOW_BUCKET,
    alertsTopic: e.TICKFLOW_ALERTS_TOPIC,
    alertsTopicArn: e.TICKFLOW_ALERTS_TOPIC_ARN,
    ingest: {
      readLimit: e.TICKFLOW_READ_LIMIT,
      maxBarsPerBatch: e.TICKFLOW_MAX_BARS_PER_BATCH,
      warmupBars: e.TICKFLOW_WARMUP_BARS,
      pollIntervalMs: e.TICKFLOW_POLL_INTERVAL_MS,
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
    },
    logLevel: e.TICKFLOW_LOG_LEVEL,
    api: { host: e.TICKFLOW_API_HOST, port: e.TICKFLOW_API_PORT, ...(e.TICKFLOW_API_TOKEN ? { token: e.TICKFLOW_API_TOKEN } : {}) },
    metrics: { ...metricsConfig(local, e.TICKFLOW_METRICS_ADDRESS, e.TICKFLOW_METRICS_URLS), ...(e.TICKFLOW_CLOUDWATCH_NAMESPACE ? { cloudwatchNamespace: e.TICKFLOW_CLOUDWATCH_NAMESPACE } : {}) },
  };
}

/** Locally the one worker process serves on 127.0.0.1:9464; on AWS every task serves on its own address. */
function metricsConfig(local: boolean, address: string | undefined, urls: string[] | undefined): TickflowConfig['metrics'] {
  const bindAddress = address === 'off' ? undefined : (address ?? (local ? '127.0.0.1:9464' : '0.0.0.0:9464'));
  const ownUrl = bindAddress && local ? [`http://${bindAddress.replace(/^0\.0\.0\.0:/, '127.0.0.1:')}/metrics`] : [];
  return { ...(bindAddress ? { bindAddress } : {}), scrapeUrls: urls ?? ownUrl };
}
