import { z } from '@hono/zod-openapi';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { startApi, type RunningApi } from '../../api/server';
import {
  AlertRow,
  BarRow,
  FailedRow,
  ModelRow,
  RegistryRow,
  Schedule,
  SeriesSummary,
  TrainingRun,
} from '../../api/schemas';
import { barEvent, encodeMarketEvent, type Bar } from '../../domain/market-event';
import { SyntheticMarket } from '../../domain/synthetic';
import { BarsStore } from '../../store/bars-store';
import { tickerWorkflowId } from '../../workflows/workflow-ids';
import { progressQuery } from '../../workflows/ticker';
import { openContext, startWorker, waitFor, waitForIngestion, type TestContext, type WorkerProcess } from './harness';

const TOKEN = 'api-test-token-0123456789';
const TICKER = 'APIX';
const market = new SyntheticMarket({
  tickers: 1,
  seed: 41,
  startTime: Date.parse('2024-07-01T14:30:00Z'),
  stepMs: 60_000,
});
const bars: Bar[] = Array.from({ length: 70 }, () => market.next()[0]!.bar);

describe('HTTP API on the real local stack', () => {
  let context: TestContext;
  let worker: WorkerProcess;
  let api: RunningApi;
  const lastSequenceByShard: Record<string, string> = {};

  const send = async (slice: Bar[]) => {
    const result = await context.aws.kinesis.send(
      new PutRecordsCommand({
        StreamName: context.config.stream.name,
        Records: slice.map((bar) => ({
          PartitionKey: TICKER,
          Data: Buffer.from(encodeMarketEvent(barEvent(TICKER, '1m', bar))),
        })),
      }),
    );
    for (const record of result.Records ?? []) lastSequenceByShard[record.ShardId!] = record.SequenceNumber!;
  };
  const call = async (method: string, path: string, options: { token?: string; body?: string } = {}) => {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body ? { 'content-type': 'application/json' } : {}),
      },
      ...(options.body ? { body: options.body } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text) as unknown, text, allow: response.headers.get('allow') };
  };
  const ok = async <T extends z.ZodType>(path: string, schema: T): Promise<z.infer<T>> => {
    const { status, body } = await call('GET', path);
    expect(status).toBe(200);
    return schema.parse(body); // the response matches its published schema
  };

  beforeAll(async () => {
    context = await openContext({ TICKFLOW_API_TOKEN: TOKEN });
    worker = startWorker('api');
    await send(bars.slice(0, 60));
    await waitForIngestion(context, lastSequenceByShard, [{ ticker: TICKER, interval: '1m' }], worker);
    api = await startApi(context.config, { port: 0 });
  });

  afterAll(async () => {
    await api?.close();
    await worker?.kill('SIGTERM');
    await context?.close();
  });

  test('OpenAPI describes every endpoint and the bearer scheme', async () => {
    const { status, body } = await call('GET', '/openapi.json');
    expect(status).toBe(200);
    const doc = body as {
      paths: Record<string, Record<string, unknown>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/alerts',
      '/api/bars',
      '/api/events',
      '/api/failed',
      '/api/failed/{batchId}/replay',
      '/api/models',
      '/api/models/rollback',
      '/api/models/{version}/promote',
      '/api/series',
      '/api/tickers',
      '/api/tickers/{ticker}/{interval}',
      '/api/tickers/{ticker}/{interval}/watch',
      '/api/training/runs',
      '/api/training/schedule',
    ]);
    expect(Object.keys(doc.paths['/api/training/runs']!).sort()).toEqual(['get', 'post']);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  test('series and bars come from storage, with indicators, filtered by range and limit', async () => {
    const series = await ok('/api/series', z.array(SeriesSummary));
    expect(series.find((s) => s.ticker === TICKER)).toMatchObject({
      interval: '1m',
      lastBarTime: bars[59]!.t,
      lastClose: bars[59]!.c,
    });
    const rows = await ok(`/api/bars?ticker=${TICKER}&interval=1m&limit=5000`, z.array(BarRow));
    const stored = await new BarsStore(context.aws.documents, context.config.tables.bars).range(TICKER, '1m');
    expect(rows.map((r) => [r.t, r.c, r.rsi14])).toEqual(stored.map((b) => [b.t, b.c, b.rsi14 ?? null]));
    expect(rows.every((r) => r.prediction === null)).toBe(true); // 1m is not the model's interval
    // Every bar has the baseline's forecast once its series has 20 returns (bar 20 on): a random walk with a range.
    expect(rows.slice(0, 20).every((r) => r.baseline === null)).toBe(true);
    for (const row of rows.slice(20)) {
      expect(row.baseline).toMatchObject({
        horizon: context.config.model.horizon,
        levels: [0.1, 0.5, 0.9],
        median: row.c,
      });
      expect(row.baseline!.low).toBeLessThan(row.c);
      expect(row.baseline!.high).toBeGreaterThan(row.c);
    }
    const from = new Date(bars[10]!.t).toISOString();
    const to = new Date(bars[19]!.t).toISOString();
    expect(
      (await ok(`/api/bars?ticker=${TICKER}&interval=1m&from=${from}&to=${to}`, z.array(BarRow))).map((r) => r.t),
    ).toEqual(bars.slice(10, 20).map((b) => b.t));
    expect((await ok(`/api/bars?ticker=${TICKER}&interval=1m&limit=3`, z.array(BarRow))).map((r) => r.t)).toEqual(
      bars.slice(57, 60).map((b) => b.t),
    );
    expect(await ok(`/api/bars?ticker=${TICKER}&interval=1m&from=${to}&to=${from}`, z.array(BarRow))).toEqual([]);
  });

  test('every read endpoint answers in its published shape', async () => {
    await ok('/api/alerts?limit=5', z.array(AlertRow));
    await ok('/api/models', z.array(ModelRow));
    await ok('/api/training/runs', z.array(TrainingRun));
    await ok('/api/training/schedule', Schedule);
    await ok('/api/tickers', z.array(RegistryRow));
    await ok('/api/failed', z.array(FailedRow));
  });

  test('bad input is a 400 naming the field; unknown routes a 404, unknown methods a 405 with Allow; never a stack trace', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/api/bars?ticker=apix', /ticker: ticker must be 1-10 upper-case/],
      [`/api/bars?ticker=${TICKER}&interval=2m`, /interval: /],
      [`/api/bars?ticker=${TICKER}&limit=0`, /limit: /],
      [`/api/bars?ticker=${TICKER}&from=yesterday`, /from: /],
      ['/api/bars', /ticker: /],
      ['/api/alerts?limit=abc', /limit: /],
    ];
    for (const [path, issue] of cases) {
      const { status, body, text } = await call('GET', path);
      expect({ path, status }).toEqual({ path, status: 400 });
      expect((body as { issues: string[] }).issues.join('\n')).toMatch(issue);
      expect(text).not.toMatch(/at .*\.ts:\d+/);
    }
    const missing = await call('GET', '/api/nothing');
    expect(missing).toMatchObject({ status: 404, body: { error: 'no route GET /api/nothing (see /openapi.json)' } });
    expect(await call('DELETE', '/api/series', { token: TOKEN })).toMatchObject({
      status: 405,
      allow: 'GET, HEAD',
      body: { error: 'DELETE is not allowed on /api/series; allowed: GET, HEAD' },
    });
    expect(await call('PUT', '/api/training/runs', { token: TOKEN })).toMatchObject({
      status: 405,
      allow: 'GET, HEAD, POST',
    });
    expect(await call('GET', '/api/models/v1/promote')).toMatchObject({ status: 405, allow: 'POST' });
  });

  test('every mutation without the right token is a 401, and changes nothing', async () => {
    const mutations: Array<[string, string, string?]> = [
      ['POST', '/api/training/runs'],
      ['POST', '/api/models/rollback'],
      ['POST', '/api/models/v1/promote'],
      ['POST', '/api/tickers', JSON.stringify({ ticker: 'APIN', interval: '1m' })],
      ['DELETE', `/api/tickers/${TICKER}/1m`],
      ['POST', '/api/failed/shardId-000000000000:1-2/replay'],
      ['PUT', `/api/tickers/${TICKER}/1m/watch`, JSON.stringify({ on: true })],
    ];
    for (const [method, path, body] of mutations) {
      for (const token of [undefined, 'wrong-token-of-some-length']) {
        const response = await call(method, path, { body, token });
        expect({ method, path, status: response.status }).toEqual({ method, path, status: 401 });
        expect(response.body).toEqual({ error: expect.stringMatching(/Authorization: Bearer/) });
      }
    }
    expect((await ok('/api/tickers', z.array(RegistryRow))).some((e) => e.ticker === 'APIN')).toBe(false);
  });

  test('onboard and offboard through the registry Updates; refusals are 409 with the reason, unknown things 404', async () => {
    const onboard = await call('POST', '/api/tickers', {
      token: TOKEN,
      body: JSON.stringify({ ticker: 'APIO', interval: '1m' }),
    });
    expect(onboard).toMatchObject({ status: 202, body: { workflowId: 'onboarding-APIO-1m' } });
    await waitFor('APIO active', async () =>
      (await ok('/api/tickers', z.array(RegistryRow))).some((e) => e.ticker === 'APIO' && e.status === 'active'),
    );
    const again = await call('POST', '/api/tickers', {
      token: TOKEN,
      body: JSON.stringify({ ticker: 'APIO', interval: '1m' }),
    });
    expect(again.status).toBe(409);
    expect((again.body as { error: string }).error).toMatch(/APIO 1m is already active/);
    expect(
      (await call('POST', '/api/tickers', { token: TOKEN, body: JSON.stringify({ ticker: 'bad$' }) })).status,
    ).toBe(400);
    expect(await call('POST', '/api/tickers', { token: TOKEN, body: '{"ticker":' })).toMatchObject({
      status: 400,
      body: { error: 'Malformed JSON in request body' },
    });
    expect(await call('DELETE', '/api/tickers/APIO/1m', { token: TOKEN })).toMatchObject({
      status: 200,
      body: { ticker: 'APIO', status: 'offboarded' },
    });
    expect((await call('POST', '/api/failed/shardId-000000000000:1-2/replay', { token: TOKEN })).status).toBe(404);
    expect((await call('POST', '/api/failed/not-a-batch/replay', { token: TOKEN })).status).toBe(400);
    expect(await call('POST', '/api/models/v-missing/promote', { token: TOKEN })).toMatchObject({
      status: 404,
      body: { error: expect.stringMatching(/no model v-missing/) },
    });
  });

  test("watch takes a ticker into its workflow and back, through the ticker workflow's Update", async () => {
    const watch = (on: boolean) =>
      call('PUT', `/api/tickers/${TICKER}/1m/watch`, { token: TOKEN, body: JSON.stringify({ on }) });
    const on = await watch(true);
    expect(on).toMatchObject({
      status: 200,
      body: { ticker: TICKER, interval: '1m', watched: true, mode: expect.stringMatching(/^(handingOver|workflow)$/) },
    });
    const progress = () => context.temporal.workflow.getHandle(tickerWorkflowId(TICKER, '1m')).query(progressQuery);
    await waitFor('workflow mode', async () => (await progress()).mode === 'workflow', 60_000);
    expect((await watch(false)).body).toMatchObject({ watched: false });
    await waitFor('back on the fast path', async () => (await progress()).mode === 'fast', 60_000);
    expect(
      (await call('PUT', `/api/tickers/${TICKER}/1m/watch`, { token: TOKEN, body: JSON.stringify({ on: 'yes' }) }))
        .status,
    ).toBe(400);
  });

  test('server-sent events deliver bars stored after `after`, then new ones as they land', async () => {
    const controller = new AbortController();
    const response = await fetch(`${api.url}/api/events?ticker=${TICKER}&interval=1m&after=${bars[54]!.t}`, {
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = response.body!.getReader();
    const received: number[] = [];
    let buffer = '';
    const readUntil = async (count: number) => {
      while (received.length < count) {
        const { value, done } = await reader.read();
        if (done) throw new Error('event stream ended');
        buffer += Buffer.from(value).toString('utf8');
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^event: bars\ndata: (.*)$/m.exec(message.replace(/^id: .*\n/m, ''))?.[1];
          if (data)
            received.push(
              ...z
                .array(BarRow)
                .parse(JSON.parse(data))
                .map((r) => r.t),
            );
        }
      }
    };
    await readUntil(5);
    expect(received).toEqual(bars.slice(55, 60).map((b) => b.t));
    await send(bars.slice(60));
    await readUntil(15);
    controller.abort();
    expect(received).toEqual(bars.slice(55, 70).map((b) => b.t));
  });
});
