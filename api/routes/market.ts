import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { baselineForecast, forecastSummary } from '../../domain/baseline-forecast';
import { INDICATOR_NAMES } from '../../domain/indicators';
import type { StoredBar } from '../../store/bars-store';
import { workflowUrl } from '../../clients/temporal-ui';
import { tickerWorkflowId } from '../../workflows/workflow-ids';
import type { ApiContext } from '../context';
import { AlertRow, BarRow, BarsQuery, jsonResponses, SeriesSummary, Ticker } from '../schemas';

const seriesRoute = createRoute({
  method: 'get',
  path: '/api/series',
  summary: 'every stored series with its latest bar time, close and lag',
  responses: jsonResponses(z.array(SeriesSummary)),
});
const barsRoute = createRoute({
  method: 'get',
  path: '/api/bars',
  summary: 'bars with every indicator and the prediction made at each, over a range',
  request: { query: BarsQuery },
  responses: jsonResponses(z.array(BarRow)),
});
const alertsRoute = createRoute({
  method: 'get',
  path: '/api/alerts',
  summary: 'alerts fired, newest first',
  request: {
    query: z.object({ ticker: Ticker.optional(), limit: z.coerce.number().int().positive().max(1000).default(100) }),
  },
  responses: jsonResponses(z.array(AlertRow)),
});

/** Stored bars of a range (the last `limit`), each with its indicators and the prediction made at it. */
export async function barRows(
  ctx: ApiContext,
  ticker: string,
  interval: string,
  from?: number,
  to?: number,
  limit = 2000,
): Promise<z.infer<typeof BarRow>[]> {
  const bars = await ctx.bars.range(ticker, interval, from, to);
  return bars.slice(-limit).map((b) => {
    const p = b.prediction;
    return {
      t: b.t,
      time: b.time,
      o: b.o,
      h: b.h,
      l: b.l,
      c: b.c,
      v: b.v,
      ...(Object.fromEntries(INDICATOR_NAMES.map((name) => [name, b[name] ?? null])) as Record<
        (typeof INDICATOR_NAMES)[number],
        number | null
      >),
      prediction: p
        ? {
            predictedClose: p.predictedClose,
            predictedReturn: p.predictedReturn,
            horizon: p.horizon,
            modelVersion: p.modelVersion,
            levels: p.quantileLevels ?? null,
            prices: p.quantileCloses ?? null,
          }
        : null,
      baseline: baselineRow(b, ctx.config.model),
    };
  });
}

function baselineRow(
  bar: StoredBar,
  model: { horizon: number; quantiles: number[] },
): z.infer<typeof BarRow>['baseline'] {
  const forecast = baselineForecast(bar.c, bar.volatility ?? null, model.horizon, model.quantiles);
  if (!forecast) return null;
  const { median, low, high } = forecastSummary(forecast);
  return {
    version: forecast.version,
    horizon: forecast.horizon,
    levels: forecast.levels,
    prices: forecast.prices,
    median,
    low,
    high,
  };
}

/** Read endpoints for prices, indicators, predictions and alerts. */
export function registerMarketRoutes(app: OpenAPIHono, ctx: ApiContext): void {
  app.openapi(seriesRoute, async (c) => {
    const series = await ctx.series.list();
    const rows = await Promise.all(
      series.map(async (s) => ({
        ticker: s.ticker,
        interval: s.interval,
        lastBarTime: s.lastBarTime,
        lastClose: (await ctx.bars.latest(s.ticker, s.interval))?.c ?? null,
        lagMs: s.lastStoredAt - s.lastArrivalAt,
        workflowUrl: workflowUrl(ctx.config, tickerWorkflowId(s.ticker, s.interval)),
      })),
    );
    return c.json(
      rows.sort((a, b) => a.ticker.localeCompare(b.ticker) || a.interval.localeCompare(b.interval)),
      200,
    );
  });

  app.openapi(barsRoute, async (c) => {
    const { ticker, interval, from, to, limit } = c.req.valid('query');
    return c.json(await barRows(ctx, ticker, interval, from, to, limit), 200);
  });

  app.openapi(alertsRoute, async (c) => {
    const { ticker, limit } = c.req.valid('query');
    const alerts = await ctx.alerts.list({ ticker, limit });
    return c.json(
      alerts.map(({ ruleId, ticker: t, interval, kind, level, message, t: time, firedAt, publishedAt }) => ({
        ruleId,
        ticker: t,
        interval,
        kind,
        level,
        message,
        t: time,
        firedAt,
        ...(publishedAt ? { publishedAt } : {}),
      })),
      200,
    );
  });
}
