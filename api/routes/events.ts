import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { ApiContext } from '../context';
import { Interval, jsonResponses, Ticker } from '../schemas';
import { barRows } from './market';

const POLL_MS = 1000;

const eventsRoute = createRoute({
  method: 'get',
  path: '/api/events',
  summary: 'server-sent events: `bars` as new bars (and predictions) of a series are stored',
  request: {
    query: z.object({
      ticker: Ticker,
      interval: Interval.default('1d'),
      after: z.coerce.number().int().optional().openapi({ description: 'send bars after this bar time (epoch ms)' }),
    }),
  },
  responses: {
    200: {
      // Each event of the stream (schemathesis and OpenAPI 3.2's itemSchema read it per event).
      content: {
        'text/event-stream': {
          schema: z.object({ event: z.enum(['bars', 'ping']), data: z.string(), id: z.string().optional() }),
        },
      },
      description: '`event: bars` with a JSON array of Bar; `event: ping` every second otherwise',
    },
    400: jsonResponses(z.string())[400],
  },
});

/**
 * Live updates for the dashboard: the series' progress row is read every second (one GetItem);
 * when it moved, the new bars, and predictions that arrived for earlier bars, are sent.
 */
export function registerEventRoutes(app: OpenAPIHono, ctx: ApiContext): void {
  app.openapi(eventsRoute, (c) => {
    const { ticker, interval, after } = c.req.valid('query');
    return streamSSE(c, async (stream) => {
      const initial = await ctx.series.get(ticker, interval);
      let sentThrough = after ?? initial?.lastBarTime ?? 0;
      let predictedThrough = initial?.predictedThrough ?? 0;
      let id = 0;
      while (!stream.aborted && !stream.closed) {
        const progress = await ctx.series.get(ticker, interval);
        const from = Math.min(
          progress && progress.lastBarTime > sentThrough ? sentThrough + 1 : Infinity,
          (progress?.predictedThrough ?? 0) > predictedThrough ? predictedThrough + 1 : Infinity,
        );
        if (Number.isFinite(from)) {
          const rows = await barRows(ctx, ticker, interval, from, undefined, 5000);
          if (rows.length) await stream.writeSSE({ event: 'bars', id: String(++id), data: JSON.stringify(rows) });
          sentThrough = Math.max(sentThrough, progress?.lastBarTime ?? 0);
          predictedThrough = Math.max(predictedThrough, progress?.predictedThrough ?? 0);
        } else {
          await stream.writeSSE({ event: 'ping', data: '' });
        }
        await stream.sleep(POLL_MS);
      }
    });
  });
}
