import path from 'node:path';
import { z } from 'zod';
import { INTERVALS } from '../domain/market-event';
import { DEFAULT_WARMUP_BARS } from '../domain/indicators';

/**
 * Every environment variable tickflow reads, with its validation and its documentation:
 * docs/configuration.md is generated from this (config/configuration-doc.ts), and a test fails
 * when it is stale. Each key is the variable's own name, so a validation error names it.
 */

/** What a variable means, and what its default is where the schema cannot say (derived or absent). */
const doc = <T extends z.ZodType>(schema: T, description: string, shownDefault?: string): T =>
  schema.meta({ description, ...(shownDefault === undefined ? {} : { shownDefault }) });

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const url = z.url().optional();
const name = (fallback: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,128}$/, 'letters, digits, "_", "." or "-" only')
    .default(fallback);
const instanceType = (example: string, fallback: string) =>
  z
    .string()
    .regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/, `a SageMaker instance type such as ${example}`)
    .default(fallback);

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
      .refine(
        (levels) => levels.every((level, i) => i === 0 || level > levels[i - 1]!),
        'levels in ascending order, each once',
      ),
  );

export const repoRoot = path.resolve(__dirname, '..');

export const envSchema = z.object({
  TICKFLOW_STACK: doc(
    z.enum(['local', 'aws']).default('local'),
    "`local`: endpoints on 127.0.0.1; `aws`: the SDK's default endpoints",
  ),
  TICKFLOW_HOME: doc(
    z.string().min(1).default(path.join(repoRoot, '.tickflow')),
    "the local stack's data (`data/`), pid files (`run/`) and logs (`logs/`)",
  ),
  AWS_REGION: doc(
    z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as us-east-1')
      .default('us-east-1'),
    'AWS region',
  ),
  TICKFLOW_TEMPORAL_PORT: doc(port(7233), 'local Temporal dev server, gRPC'),
  TICKFLOW_TEMPORAL_UI_PORT: doc(port(8233), 'local Temporal Web UI'),
  TICKFLOW_KINESIS_PORT: doc(port(4567), 'local Kinesis (kinesalite)'),
  TICKFLOW_DYNAMODB_PORT: doc(port(8000), 'local DynamoDB Local'),
  TICKFLOW_MOTO_PORT: doc(port(5000), 'local S3 and SNS (moto)'),
  TICKFLOW_SAGEMAKER_PORT: doc(port(8086), 'local SageMaker (control plane and runtime)'),
  TICKFLOW_DYNAMODB_DATA: doc(
    z.string().min(1).optional(),
    'where DynamoDB Local keeps its tables: a folder, or `memory` (gone when the service stops, so `stack restart dynamodb` refuses). A folder on tmpfs (`/dev/shm`) is several times faster than on disk (`tickflow bench dynamodb-local`); the test stack uses one where it exists, the bench stack `memory`',
    '`<home>/data/dynamodb`',
  ),
  TICKFLOW_KINESIS_ENDPOINT: doc(url, 'Kinesis endpoint override', 'derived'),
  TICKFLOW_DYNAMODB_ENDPOINT: doc(url, 'DynamoDB endpoint override', 'derived'),
  TICKFLOW_S3_ENDPOINT: doc(url, 'S3 endpoint override', 'derived'),
  TICKFLOW_SNS_ENDPOINT: doc(url, 'SNS endpoint override', 'derived'),
  TICKFLOW_SAGEMAKER_ENDPOINT: doc(
    url,
    'SageMaker endpoint override, for both the control plane and the runtime',
    'derived',
  ),
  TEMPORAL_ADDRESS: doc(
    z
      .string()
      .regex(/^[^\s:]+:\d+$/, 'host:port')
      .optional(),
    'Temporal frontend; required when `TICKFLOW_STACK=aws`',
    '`127.0.0.1:<TICKFLOW_TEMPORAL_PORT>` locally',
  ),
  TEMPORAL_NAMESPACE: doc(z.string().min(1).default('default'), 'Temporal namespace'),
  TEMPORAL_UI_URL: doc(
    url,
    'Temporal Web UI, for the links tickflow prints',
    '`http://127.0.0.1:<TICKFLOW_TEMPORAL_UI_PORT>`',
  ),
  TEMPORAL_TLS_CERT: doc(
    z.string().includes('BEGIN CERTIFICATE', { message: 'a PEM certificate' }).optional(),
    'client certificate (PEM) for mTLS to Temporal; with `TEMPORAL_TLS_KEY`',
    'none',
  ),
  TEMPORAL_TLS_KEY: doc(
    z.string().includes('PRIVATE KEY', { message: 'a PEM private key' }).optional(),
    'client private key (PEM) for mTLS to Temporal; with `TEMPORAL_TLS_CERT`',
    'none',
  ),
  TICKFLOW_TASK_QUEUE: doc(
    name('tickflow-ingest'),
    'task queue of the shard readers, ticker workflows and their activities',
  ),
  TICKFLOW_STREAM: doc(name('tickflow-market-data'), 'Kinesis stream'),
  TICKFLOW_SHARDS: doc(
    positiveInt(2).pipe(z.number().max(50)),
    'shard count when the local stack creates the stream (1–50)',
  ),
  TICKFLOW_TABLE_PREFIX: doc(
    name('tickflow'),
    'tables are `<prefix>-bars`, `-dead-letters`, `-tickers`, `-predictions`, `-models`, `-alert-rules`, `-alerts`',
  ),
  TICKFLOW_BUCKET: doc(
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{2,62}$/, 'an S3 bucket name')
      .default('tickflow-data'),
    'S3 bucket: datasets and model artifacts; created by `stack up`',
  ),
  TICKFLOW_ALERTS_TOPIC: doc(name('tickflow-alerts'), 'SNS topic price alerts go to; created by `stack up`'),
  TICKFLOW_ALERTS_TOPIC_ARN: doc(
    z
      .string()
      .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/, 'an SNS topic ARN')
      .optional(),
    "the alerts topic's ARN; on AWS, the stack output `alerts_topic_arn`",
    'looked up by name',
  ),
  TICKFLOW_READ_LIMIT: doc(positiveInt(2000).pipe(z.number().max(10000)), 'records per GetRecords (≤ 10,000)'),
  TICKFLOW_WRITE_CONCURRENCY: doc(
    positiveInt(8).pipe(z.number().max(64)),
    "BatchWriteItem requests (25 items each) one shard read keeps in flight for its bars, then for its progress (≤ 64): a read's writes are most of its time (bench/RESULTS.md, `ten-x`)",
  ),
  TICKFLOW_MAX_BARS_PER_BATCH: doc(
    positiveInt(500).pipe(z.number().max(2000)),
    "bars per batch sent to a ticker workflow and per `processBars` activity (keeps payloads far below Temporal's limits)",
  ),
  TICKFLOW_WARMUP_BARS: doc(
    positiveInt(DEFAULT_WARMUP_BARS).pipe(z.number().min(100)),
    "stored bars replayed to rebuild a series' indicator state (≥ 100); the default resumes within 1e-9 of an uninterrupted run (domain/indicators.ts)",
  ),
  TICKFLOW_POLL_INTERVAL_MS: doc(positiveInt(200), 'shard polling while idle'),
  TICKFLOW_COMMIT_WITHIN_MS: doc(
    positiveInt(5000).pipe(z.number().max(60000)),
    "the longest a shard read's commit (its series' progress, then the reader's checkpoint) waits to be written with the reads after it (≤ 60,000): reads commit together once the shard is caught up, so a burst's bars are not slowed by its progress writes; a crash re-reads at most this much of the stream, and progress (what the dashboard follows) trails the stored bars by as much",
  ),
  TICKFLOW_LONG_POLL_MS: doc(
    positiveInt(10000),
    'a `runShard` activity run that read something ends after this long without data, reporting its position to its workflow',
  ),
  TICKFLOW_SHARD_RUN_SECONDS: doc(
    positiveInt(60).pipe(z.number().max(600)),
    'the longest one `runShard` activity run lasts before it reports its position and hand-offs are applied, so also the longest a hand-off waits on a quiet shard (≤ 600)',
  ),
  TICKFLOW_SHARD_CHECK_SECONDS: doc(
    positiveInt(60),
    "how often an ingest worker looks for shards a reshard (split or merge) created, and starts their readers after their parents' readers have read them to the end",
  ),
  TICKFLOW_BATCHES_PER_RUN: doc(positiveInt(200), 'batches a ticker workflow handles before continueAsNew'),
  TICKFLOW_ACTIVITY_SLOTS: doc(
    positiveInt(32).pipe(z.number().max(1000)),
    "activities one worker runs at once (DynamoDB Local's single SQLite writer times out on lock waits when this is much higher)",
  ),
  TICKFLOW_WORKFLOW_CACHE: doc(
    z.coerce.number().int().min(2).optional(),
    'ticker workflows one ingest worker keeps in memory (≥ 2). An evicted one replays its history at its next batch, so give each worker room for every series it follows; for more, raise the heap (`NODE_OPTIONS=--max-old-space-size=…`) or run more workers. Memory per workflow: bench/RESULTS.md',
    'one per MiB of heap above 512 MiB',
  ),
  TICKFLOW_TRAINING_TASK_QUEUE: doc(name('tickflow-training'), 'task queue of the training and deployment workflows'),
  TICKFLOW_ENDPOINT_NAME: doc(
    z
      .string()
      .regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'a SageMaker endpoint name: letters, digits and single hyphens')
      .default('tickflow-predictor'),
    'SageMaker endpoint the model serves on',
  ),
  TICKFLOW_MODEL_IMAGE: doc(
    z.string().min(1).optional(),
    'the model image URI (ECR); required when `TICKFLOW_STACK=aws`',
    '`tickflow-model:local` locally',
  ),
  TICKFLOW_SAGEMAKER_ROLE_ARN: doc(
    z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'an IAM role ARN')
      .optional(),
    'SageMaker execution role; required when `TICKFLOW_STACK=aws`',
    'a placeholder locally',
  ),
  TICKFLOW_TRAINING_INSTANCE_TYPE: doc(instanceType('ml.m5.large', 'ml.m5.large'), 'SageMaker training instance type'),
  TICKFLOW_ENDPOINT_INSTANCE_TYPE: doc(
    instanceType('ml.t2.medium', 'ml.t2.medium'),
    'SageMaker endpoint instance type',
  ),
  TICKFLOW_TRAINING_INTERVAL: doc(
    z.enum(INTERVALS).default('1d'),
    `the bar interval the model is trained on and predicts (${INTERVALS.join(', ')}); series of other intervals get no predictions`,
  ),
  TICKFLOW_HORIZON: doc(
    positiveInt(1).pipe(z.number().max(60)),
    'bars ahead the model predicts (1–60); the walk-forward gap equals it',
  ),
  TICKFLOW_FORECAST_QUANTILES: doc(
    quantileLevels,
    "quantile levels of every forecast's range, ascending, strictly between 0 and 1, the median 0.5 among them",
  ),
  TICKFLOW_TRAINING_EVERY_HOURS: doc(positiveInt(72), "the retraining Schedule's interval"),
  TICKFLOW_MODEL_ALERT_BARS: doc(
    z.coerce.number().int().min(0).default(100),
    "the model-in-service alert: published through SNS when the newest this many forecasts scored live do worse than the baseline (its range's pinball loss above the baseline's); 0 turns it off",
  ),
  TICKFLOW_MODEL_CHALLENGER: doc(
    z.enum(['on', 'off']).default('on'),
    "stage the latest rejected candidate beside the model in service as a weight-0 challenger, scored live on the same bars (on AWS it takes an instance of its own: 'off' saves it)",
  ),
  TICKFLOW_PREDICT_RETRY_MAX_SECONDS: doc(
    positiveInt(60).pipe(z.number().max(3600)),
    'longest wait between prediction retries while the endpoint is down (1–3600)',
  ),
  TICKFLOW_SAGEMAKER_PING_TIMEOUT_MS: doc(
    positiveInt(60_000),
    'local SageMaker: how long a new variant may take to pass `/ping`',
  ),
  TICKFLOW_LOG_LEVEL: doc(z.enum(['debug', 'info', 'warn', 'error']).default('info'), 'worker logs: JSON lines (pino)'),
  TICKFLOW_API_PORT: doc(port(8787), 'where the API, dashboard and portal listen'),
  TICKFLOW_API_HOST: doc(
    z
      .string()
      .regex(/^[0-9a-fA-F.:]+$|^localhost$/, 'an IP address to listen on, such as 127.0.0.1 or 0.0.0.0')
      .default('127.0.0.1'),
    'the address the API, dashboard and portal listen on',
  ),
  TICKFLOW_API_TOKEN: doc(
    z.string().min(16, 'at least 16 characters').optional(),
    'bearer token every mutating API request needs (≥ 16 characters); the portal link tickflow prints carries it in the URL fragment',
    'made up per run by `tickflow api`; once per data folder, in `run/api.token`, for the background API',
  ),
  TICKFLOW_CLOUDWATCH_NAMESPACE: doc(
    z
      .string()
      .regex(/^[A-Za-z0-9/_.#:-]{1,255}$/, 'a CloudWatch namespace such as tickflow/prod')
      .optional(),
    'on AWS: also log the alarmed counters as CloudWatch embedded metrics in this namespace',
    'off',
  ),
  TICKFLOW_FORECAST_JOURNAL: doc(
    z.string().min(1, 'a file path').optional(),
    'benchmarks: each worker appends `ticker,interval,t,storedAt` to this file for every forecast stored, so arrival → forecast stored is exact per bar',
    'off',
  ),
  TICKFLOW_METRICS_ADDRESS: doc(
    z
      .union([z.literal('off'), z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'host:port to serve /metrics on, or "off"')])
      .optional(),
    'where each worker process serves Prometheus metrics (`/metrics`), or `off`; a second worker on one machine needs another port',
    '`127.0.0.1:9464` locally, `0.0.0.0:9464` on AWS',
  ),
  TICKFLOW_METRICS_URLS: doc(
    z
      .string()
      .transform((list) =>
        list
          .split(',')
          .map((u) => u.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.url('a comma-separated list of http://host:port/metrics URLs')))
      .optional(),
    'comma-separated `/metrics` URLs that `tickflow status` reads and sums',
    "the local worker's `/metrics`",
  ),
});

export type Env = z.infer<typeof envSchema>;
