import { z } from 'zod';

/** Deployment settings, from TICKFLOW_* variables like the rest of tickflow; each error names its variable. */
const schema = z.object({
  TICKFLOW_ENV: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,20}$/, 'lower-case letters, digits and "-", 2-21 characters')
    .default('tickflow'),
  AWS_REGION: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as us-east-1')
    .default('us-east-1'),
  TICKFLOW_VPC_CIDR: z.cidrv4().default('10.42.0.0/16'),
  TICKFLOW_AZ_COUNT: z.coerce.number().int().min(2).max(3).default(2),
  TICKFLOW_NAT: z.enum(['single', 'per-az']).default('single'),
  TICKFLOW_SHARDS: z.coerce.number().int().min(1).max(500).default(2),
  TICKFLOW_IMAGE_TAG: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,128}$/)
    .default('latest'),
  TICKFLOW_INGEST_WORKERS: z.coerce.number().int().min(0).max(100).default(2),
  TICKFLOW_INGEST_WORKERS_MAX: z.coerce.number().int().min(1).max(100).optional(),
  TICKFLOW_INGEST_TARGET_CPU: z.coerce.number().int().min(10).max(90).default(60),
  TICKFLOW_LOG_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .refine(
      (d) => [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365].includes(d),
      'one of CloudWatch retention values (1, 3, 5, 7, 14, 30, 60, 90, …, 365)',
    )
    .default(30),
  TICKFLOW_ALARM_EMAIL: z.email().optional(),
  TICKFLOW_API_ALLOWED_CIDRS: z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.cidrv4('a comma-separated list of IPv4 CIDR ranges such as 203.0.113.0/24')))
    .default([]),
  TICKFLOW_API_CERTIFICATE_ARN: z
    .string()
    .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/, 'an ACM certificate ARN')
    .optional(),
  TICKFLOW_LIVE_SOURCE: z.enum(['none', 'alpaca', 'finnhub']).default('none'),
  TICKFLOW_TF_STATE_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{2,62}$/, 'an S3 bucket name')
    .optional(),
});

export type InfraSettings = {
  env: string;
  region: string;
  vpcCidr: string;
  azCount: number;
  nat: 'single' | 'per-az';
  shards: number;
  imageTag: string;
  ingestWorkers: number;
  /** Autoscaling bounds of the ingest service: ingestWorkers tasks at least, this many at most. */
  ingestWorkersMax: number;
  ingestTargetCpu: number;
  logRetentionDays: number;
  alarmEmail?: string;
  stateBucket?: string;
  /** A producer service streaming this provider's live bars into Kinesis (credentials from a secret), or none. */
  liveSource: 'none' | 'alpaca' | 'finnhub';
  /** Who may reach the API's load balancer; none by default (closed until you say who). */
  apiAllowedCidrs: string[];
  /** HTTPS on the load balancer with this ACM certificate; plain HTTP without one. */
  apiCertificateArn?: string;
};

export function loadInfraSettings(env: NodeJS.ProcessEnv = process.env): InfraSettings {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new Error(
      `Invalid infra settings:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`).join('\n')}`,
    );
  }
  const e = parsed.data;
  if (e.TICKFLOW_INGEST_WORKERS_MAX !== undefined && e.TICKFLOW_INGEST_WORKERS_MAX < e.TICKFLOW_INGEST_WORKERS) {
    throw new Error(
      `Invalid infra settings:\n  - TICKFLOW_INGEST_WORKERS_MAX: at least TICKFLOW_INGEST_WORKERS (${e.TICKFLOW_INGEST_WORKERS}) (got ${e.TICKFLOW_INGEST_WORKERS_MAX})`,
    );
  }
  return {
    env: e.TICKFLOW_ENV,
    region: e.AWS_REGION,
    vpcCidr: e.TICKFLOW_VPC_CIDR,
    azCount: e.TICKFLOW_AZ_COUNT,
    nat: e.TICKFLOW_NAT,
    shards: e.TICKFLOW_SHARDS,
    imageTag: e.TICKFLOW_IMAGE_TAG,
    ingestWorkers: e.TICKFLOW_INGEST_WORKERS,
    ingestWorkersMax: e.TICKFLOW_INGEST_WORKERS_MAX ?? Math.max(e.TICKFLOW_INGEST_WORKERS, e.TICKFLOW_SHARDS),
    ingestTargetCpu: e.TICKFLOW_INGEST_TARGET_CPU,
    logRetentionDays: e.TICKFLOW_LOG_RETENTION_DAYS,
    ...(e.TICKFLOW_ALARM_EMAIL ? { alarmEmail: e.TICKFLOW_ALARM_EMAIL } : {}),
    ...(e.TICKFLOW_TF_STATE_BUCKET ? { stateBucket: e.TICKFLOW_TF_STATE_BUCKET } : {}),
    liveSource: e.TICKFLOW_LIVE_SOURCE,
    apiAllowedCidrs: e.TICKFLOW_API_ALLOWED_CIDRS,
    ...(e.TICKFLOW_API_CERTIFICATE_ARN ? { apiCertificateArn: e.TICKFLOW_API_CERTIFICATE_ARN } : {}),
  };
}
