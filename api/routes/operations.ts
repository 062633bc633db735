import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { workflowUrl } from '../../clients/temporal-ui';
import { listFailedBatches, replayFailedBatch } from '../../operations/batches';
import { offboardTicker, onboardTicker, registryEntries } from '../../operations/tickers';
import { watchTicker } from '../../operations/ticker-mode';
import { onboardingWorkflowId, tickerWorkflowId } from '../../workflows/workflow-ids';
import type { ApiContext } from '../context';
import { Accepted, FailedRow, Interval, jsonResponses, OnboardBody, RegistryRow, Ticker } from '../schemas';

const tickersRoute = createRoute({
  method: 'get',
  path: '/api/tickers',
  summary: 'the ticker registry: onboarding, active, offboarded, failed',
  responses: jsonResponses(z.array(RegistryRow)),
});
const onboardRoute = createRoute({
  method: 'post',
  path: '/api/tickers',
  summary: 'onboard a ticker (registry Update): backfill from S3 if given, then live',
  security: [{ bearer: [] }],
  request: { body: { content: { 'application/json': { schema: OnboardBody } }, required: true } },
  responses: jsonResponses(Accepted, 202),
});
const offboardRoute = createRoute({
  method: 'delete',
  path: '/api/tickers/{ticker}/{interval}',
  summary: 'offboard a ticker: processing stops, data stays',
  security: [{ bearer: [] }],
  request: { params: z.object({ ticker: Ticker, interval: Interval }) },
  responses: jsonResponses(RegistryRow),
});
const failedRoute = createRoute({
  method: 'get',
  path: '/api/failed',
  summary: 'batches that failed for good, with their reasons (their tickers are halted)',
  responses: jsonResponses(z.array(FailedRow)),
});
const replayRoute = createRoute({
  method: 'post',
  path: '/api/failed/{batchId}/replay',
  summary: 'replay a failed batch from the stream after fixing its cause; the ticker resumes',
  security: [{ bearer: [] }],
  request: {
    params: z.object({
      batchId: z.string().regex(/^shardId-\d+:\d+-\d+$/, 'a batch id as `tickflow failed` lists it'),
    }),
  },
  responses: jsonResponses(z.object({ ticker: z.string(), interval: z.string(), bars: z.number() })),
});

const watchRoute = createRoute({
  method: 'put',
  path: '/api/tickers/{ticker}/{interval}/watch',
  summary:
    "follow a ticker batch by batch in its own workflow (on), or give it back to the shard reader's fast path (off)",
  security: [{ bearer: [] }],
  request: {
    params: z.object({ ticker: Ticker, interval: Interval }),
    body: {
      content: { 'application/json': { schema: z.object({ on: z.boolean() }).openapi('WatchBody') } },
      required: true,
    },
  },
  responses: jsonResponses(
    z.object({
      ticker: z.string(),
      interval: z.string(),
      watched: z.boolean(),
      mode: z.enum(['fast', 'handingOver', 'workflow']),
      workflowUrl: z.string(),
    }),
  ),
});

/** Onboarding, watch and failed-batch endpoints: the same Updates as the CLI's. */
export function registerOperationRoutes(app: OpenAPIHono, ctx: ApiContext): void {
  app.openapi(tickersRoute, async (c) => {
    const entries = await registryEntries(ctx.temporal, ctx.config);
    return c.json(
      entries.map(({ ticker, interval, status, backfilledBars, reason, updatedAt }) => ({
        ticker,
        interval,
        status,
        updatedAt,
        ...(backfilledBars !== undefined ? { backfilledBars } : {}),
        ...(reason ? { reason } : {}),
      })),
      200,
    );
  });
  app.openapi(onboardRoute, async (c) => {
    const { ticker, interval, s3, from } = c.req.valid('json');
    await onboardTicker(ctx.temporal, ctx.config, {
      ticker,
      interval,
      source: s3 ? { kind: 's3', uri: s3 } : { kind: 'none' },
      ...(from !== undefined ? { from } : {}),
    });
    const workflowId = onboardingWorkflowId(ticker, interval);
    return c.json({ workflowId, workflowUrl: workflowUrl(ctx.config, workflowId) }, 202);
  });
  app.openapi(offboardRoute, async (c) => {
    const { ticker, interval } = c.req.valid('param');
    const { status, updatedAt, reason } = await offboardTicker(ctx.temporal, ctx.config, ticker, interval);
    return c.json({ ticker, interval, status, updatedAt, ...(reason ? { reason } : {}) }, 200);
  });
  app.openapi(watchRoute, async (c) => {
    const { ticker, interval } = c.req.valid('param');
    const progress = await watchTicker(
      { config: ctx.config, temporal: ctx.temporal, kinesis: ctx.aws.kinesis },
      ticker,
      interval,
      c.req.valid('json').on,
    );
    return c.json(
      {
        ticker,
        interval,
        watched: progress.watched,
        mode: progress.mode,
        workflowUrl: workflowUrl(ctx.config, tickerWorkflowId(ticker, interval)),
      },
      200,
    );
  });
  app.openapi(failedRoute, async (c) => {
    const failed = await listFailedBatches(ctx.temporal);
    return c.json(
      failed.map((f) => ({
        ticker: f.ticker,
        interval: f.interval,
        batchIds: f.batchIds,
        reason: f.reason,
        bars: f.bars,
        failedAt: f.failedAt,
        workflowUrl: workflowUrl(ctx.config, tickerWorkflowId(f.ticker, f.interval)),
      })),
      200,
    );
  });
  app.openapi(replayRoute, async (c) => {
    const { series, bars } = await replayFailedBatch(ctx.temporal, c.req.valid('param').batchId);
    return c.json({ ticker: series.ticker, interval: series.interval, bars }, 200);
  });
}
