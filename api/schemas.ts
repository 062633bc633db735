import { z } from '@hono/zod-openapi';
import { INTERVALS, tickerSchema } from '../domain/market-event';
import { TICKER_PATTERN, TICKER_RULE } from '../domain/ticker-symbol';
import { INDICATOR_NAMES } from '../domain/indicators';

/** Request and response shapes of the HTTP API: validated at the edge and published as OpenAPI. */

// A fresh schema: @hono/zod-openapi's .openapi() exists only on schemas made after it loaded.
export const Ticker = z
  .string()
  .pipe(tickerSchema)
  .openapi({ example: 'AAPL', pattern: TICKER_PATTERN.source, description: TICKER_RULE });
export const Interval = z.enum(INTERVALS).openapi({ example: '1d' });
const LEAP_SECOND = /:60(?=(\.\d+)?(Z|[+-]\d{2}:\d{2})$)/;
const rfc3339 = z.iso.datetime({ offset: true }).or(z.iso.date());

/** Epoch ms of an RFC 3339 date-time or date (midnight UTC), read as RFC 3339 allows: "t"/"z" in either case, a leap second as the next second; NaN when it is neither. */
function epochMs(text: string): number {
  const upper = text.toUpperCase();
  const normalized = upper.replace(LEAP_SECOND, ':59');
  if (!rfc3339.safeParse(normalized).success) return NaN;
  return Date.parse(normalized) + (normalized === upper ? 0 : 1000);
}

const time = z
  .string()
  .transform((text, ctx) => {
    const t = epochMs(text);
    if (!Number.isNaN(t)) return t;
    ctx.addIssue({
      code: 'custom',
      message: 'an RFC 3339 date-time such as 2018-01-02T14:30:00Z, or a date such as 2018-01-02',
    });
    return z.NEVER;
  })
  .openapi({
    anyOf: [
      { type: 'string', format: 'date-time' },
      { type: 'string', format: 'date' },
    ],
    example: '2018-01-02',
  });

const ErrorBody = z.object({ error: z.string(), issues: z.array(z.string()).optional() }).openapi('Error');

const indicators = Object.fromEntries(INDICATOR_NAMES.map((name) => [name, z.number().nullable()])) as Record<
  (typeof INDICATOR_NAMES)[number],
  z.ZodNullable<z.ZodNumber>
>;

export const BarRow = z
  .object({
    t: z.number().int(),
    time: z.string(),
    o: z.number(),
    h: z.number(),
    l: z.number(),
    c: z.number(),
    v: z.number(),
    ...indicators,
    prediction: z
      .object({
        predictedClose: z.number(),
        predictedReturn: z.number(),
        horizon: z.number().int(),
        modelVersion: z.string(),
        levels: z
          .array(z.number())
          .nullable()
          .openapi({ description: "a quantile model's levels, ascending (null: the model forecasts one value)" }),
        prices: z.array(z.number()).nullable().openapi({ description: 'the close forecast at each level' }),
      })
      .nullable()
      .openapi({
        description: 'the forecast made at this bar for `horizon` bars later, with the model version behind it',
      }),
    baseline: z
      .object({
        version: z.string(),
        horizon: z.number().int(),
        levels: z.array(z.number()),
        prices: z.array(z.number()),
        median: z.number(),
        low: z.number(),
        high: z.number(),
      })
      .nullable()
      .openapi({
        description:
          'the baseline forecast at this bar for `horizon` bars later (a random walk with a RiskMetrics range): the close at each quantile level; every bar has one once its series has 20 returns, whether a model serves or not',
      }),
  })
  .openapi('Bar');

export const BarsQuery = z.object({
  ticker: Ticker,
  interval: Interval.default('1d'),
  from: time.optional(),
  to: time.optional(),
  limit: z.coerce
    .number()
    .int()
    .positive()
    .max(20_000)
    .default(2000)
    .openapi({ description: 'the last `limit` bars of the range' }),
});

export const SeriesSummary = z
  .object({
    ticker: z.string(),
    interval: z.string(),
    lastBarTime: z.number(),
    lastClose: z.number().nullable(),
    lagMs: z.number(),
    workflowUrl: z.string(),
  })
  .openapi('Series');

export const AlertRow = z
  .object({
    ruleId: z.string(),
    ticker: z.string(),
    interval: z.string(),
    kind: z.string(),
    level: z.number(),
    message: z.string(),
    t: z.number(),
    firedAt: z.number(),
    publishedAt: z.number().optional(),
  })
  .openapi('Alert');

export const ModelRow = z
  .object({
    version: z.string(),
    decision: z.enum(['training', 'promoted', 'rejected', 'failed']),
    reason: z.string(),
    createdAt: z.string(),
    inService: z.boolean(),
    challenger: z.boolean().openapi({
      description: 'staged beside the model in service with weight 0 (reached by TargetVariant) and scored live',
    }),
    workflowUrl: z.string(),
    dataStart: z.string().nullable(),
    dataEnd: z.string().nullable(),
    metrics: z.record(z.string(), z.number()).nullable(),
    incumbentMetrics: z.record(z.string(), z.number()).nullable(),
    holdoutSample: z.array(z.object({ ticker: z.string(), t: z.number(), actual: z.number(), predicted: z.number() })),
    perTicker: z
      .array(
        z.object({
          ticker: z.string(),
          rows: z.number().int(),
          maeRatio: z.number().nullable(),
          hitRate: z.number(),
          dmPValue: z.number().nullable(),
          pinballRatio: z.number().nullable(),
          coverage: z.number().nullable(),
          coverageNominal: z.number().nullable(),
          dmPinballPValue: z.number().nullable(),
        }),
      )
      .openapi({
        description: 'the holdout scored per ticker, most rows first (at most 200 tickers); empty for older models',
      }),
    live: z
      .object({
        rows: z.number().int(),
        since: z.string(),
        through: z.string().nullable(),
        maeRatio: z.number().nullable(),
        hitRate: z.number().nullable(),
        pinballRatio: z.number().nullable(),
        coverage: z.number().nullable(),
        coverageNominal: z.number().nullable(),
        scoredAt: z.string(),
      })
      .nullable()
      .openapi({
        description:
          'while it serves or challenges: its forecasts scored on the bars after its training data (hourly); null until scored',
      }),
  })
  .openapi('Model');

export const TrainingRun = z
  .object({
    workflowId: z.string(),
    status: z.string(),
    startedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    workflowUrl: z.string(),
  })
  .openapi('TrainingRun');

export const Schedule = z
  .object({ id: z.string(), every: z.string(), paused: z.boolean(), nextRuns: z.array(z.string()) })
  .openapi('Schedule');

export const RegistryRow = z
  .object({
    ticker: z.string(),
    interval: z.string(),
    status: z.enum(['onboarding', 'active', 'offboarded', 'failed']),
    backfilledBars: z.number().optional(),
    reason: z.string().optional(),
    updatedAt: z.number(),
  })
  .openapi('RegistryEntry');

export const OnboardBody = z
  .object({
    ticker: Ticker,
    interval: Interval.default('1d'),
    s3: z
      .string()
      .regex(/^s3:\/\/[^/]+\/.+/, 'an s3://bucket/key URI')
      .optional(),
    from: time.optional(),
  })
  .openapi('OnboardRequest');

export const FailedRow = z
  .object({
    ticker: z.string(),
    interval: z.string(),
    batchIds: z.array(z.string()),
    reason: z.string(),
    bars: z.number(),
    failedAt: z.number(),
    workflowUrl: z.string(),
  })
  .openapi('FailedBatch');

export const Accepted = z.object({ workflowId: z.string(), workflowUrl: z.string() }).openapi('Accepted');

const errorResponse = (description: string) => ({
  content: { 'application/json': { schema: ErrorBody } },
  description,
});

/** The documented answers of a route: its body on success, the error shape otherwise. */
export const jsonResponses = <T extends z.ZodType>(schema: T, status: 200 | 202 = 200) =>
  ({
    [status]: {
      content: { 'application/json': { schema } },
      description: status === 202 ? 'accepted: a workflow is doing it' : 'OK',
    },
    400: errorResponse('bad input: the problems, by field'),
    401: errorResponse('a mutation without the bearer token'),
    404: errorResponse('no such thing'),
    409: errorResponse('refused by the workflow that owns it (the reason says why)'),
  }) as const;
