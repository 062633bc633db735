import type { Bar } from '../../domain/market-event';
import { createLogger } from '../../observability/logger';
import { produce } from '../../producer/produce';
import { alpacaProtocol } from '../../producer/live/alpaca';
import { finnhubProtocol } from '../../producer/live/finnhub';
import type { FeedProtocol } from '../../producer/live/feed-protocol';
import { FatalFeedError, liveSource } from '../../producer/live/live-source';
import { BarsStore } from '../../store/bars-store';
import { ALPACA_KEY, FakeAlpacaServer } from '../fakes/alpaca-server';
import type { FakeFeedServer } from '../fakes/fake-feed-server';
import { FakeFinnhubServer, FINNHUB_TOKEN } from '../fakes/finnhub-server';
import { registrySymbols } from '../../producer/live/registry-symbols';
import { offboardUpdate, onboardUpdate, tickersQuery } from '../../workflows/registry';
import { REGISTRY_WORKFLOW_ID } from '../../workflows/workflow-ids';
import { openContext, startWorker, waitFor, type TestContext, type WorkerProcess } from './harness';

const MINUTE = 60_000;
const log = createLogger('live-test', 'error');

/** Streams from a fake provider into Kinesis until `enough` says so, collecting what the source emitted. */
async function stream(
  context: TestContext,
  protocol: FeedProtocol,
  symbols: () => Promise<readonly string[]>,
  enough: (emitted: Map<string, Bar[]>) => boolean,
  meanwhile?: (emitted: Map<string, Bar[]>) => Promise<void>,
) {
  const stop = new AbortController();
  const source = liveSource({
    protocol,
    symbols,
    refreshMs: 200,
    signal: stop.signal,
    log,
    backoff: { initialMs: 50, maxMs: 400 },
  });
  const emitted = new Map<string, Bar[]>();
  const counting: typeof source = {
    ...source,
    async *ticks() {
      for await (const tick of source.ticks()) {
        for (const e of tick.events) emitted.set(e.ticker, [...(emitted.get(e.ticker) ?? []), e.bar]);
        yield tick;
      }
    },
  };
  const producing = produce(context.aws.kinesis, counting, { streamName: context.config.stream.name });
  const driving = (async () => {
    if (meanwhile) await meanwhile(emitted);
    await waitFor('enough bars', async () => enough(emitted), 60_000, 50);
    stop.abort();
  })();
  const [summary] = await Promise.all([producing, driving]);
  return { emitted, stats: source.stats, summary };
}

/** Every minute from the first emitted bar to the last, once, equal to the provider's own bars. */
function expectExactly(server: FakeFeedServer, symbol: string, bars: readonly Bar[]) {
  expect(bars.length).toBeGreaterThan(0);
  const first = bars[0]!.t;
  const last = bars[bars.length - 1]!.t;
  expect(bars.map((b) => b.t)).toEqual(
    Array.from({ length: (last - first) / MINUTE + 1 }, (_, i) => first + i * MINUTE),
  );
  expect(bars).toEqual(server.tape.bars(symbol, first, last));
}

/**
 * Drops every connection and refuses reconnects until a minute has closed in the outage, so a bar
 * must be backfilled (a quick reconnect within one minute missed nothing: the test hung on timing).
 */
async function outageOverAMinute(server: FakeFeedServer): Promise<void> {
  const from = server.tape.now;
  server.refuse(Number.MAX_SAFE_INTEGER);
  server.dropConnections();
  await waitFor('a minute closed in the outage', async () => server.tape.now >= from + 2 * MINUTE, 30_000, 20);
  server.refuse(0);
}

const barsReached = (n: number, symbols: string[]) => (emitted: Map<string, Bar[]>) =>
  symbols.every((s) => (emitted.get(s)?.length ?? 0) >= n);

describe('live sources against fake provider servers', () => {
  let context: TestContext;
  let worker: WorkerProcess;
  const servers: FakeFeedServer[] = [];

  beforeAll(async () => {
    context = await openContext();
    worker = startWorker('live');
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await worker?.kill('SIGTERM');
    await context?.close();
  });

  test('Alpaca: auth, subscribe to bars, two dropped connections and refused reconnects; every minute bar exactly once, and stored', async () => {
    const server = new FakeAlpacaServer(['TSLA', 'AAPL', 'MSFT']);
    servers.push(server);
    const { wsUrl, restUrl } = await server.listen();
    const protocol = alpacaProtocol({
      streamUrl: wsUrl,
      restUrl,
      keyId: ALPACA_KEY.id,
      secretKey: ALPACA_KEY.secret,
      channel: 'bars',
    });
    const { emitted, stats } = await stream(
      context,
      protocol,
      async () => ['TSLA', 'AAPL'],
      barsReached(25, ['TSLA', 'AAPL']),
      async (soFar) => {
        await waitFor('5 bars', async () => barsReached(5, ['TSLA', 'AAPL'])(soFar), 30_000, 20);
        server.dropConnections();
        await waitFor('12 bars', async () => barsReached(12, ['TSLA', 'AAPL'])(soFar), 30_000, 20);
        await outageOverAMinute(server);
      },
    );
    expect(server.received[0]).toBe(JSON.stringify({ action: 'auth', key: ALPACA_KEY.id, secret: ALPACA_KEY.secret }));
    expect(server.received.filter((f) => f.includes('"subscribe"')).length).toBeGreaterThanOrEqual(3); // resubscribed after each drop
    expect(server.connectionsAccepted).toBeGreaterThanOrEqual(5); // 3 sessions + at least 2 refused
    expect(stats.backfilledBars).toBeGreaterThan(0);
    expect(emitted.has('MSFT')).toBe(false);
    for (const symbol of ['TSLA', 'AAPL']) expectExactly(server, symbol, emitted.get(symbol)!);

    const bars = new BarsStore(context.aws.documents, context.config.tables.bars);
    const tsla = emitted.get('TSLA')!;
    const stored = await waitFor('TSLA stored', async () => {
      const rows = await bars.range('TSLA', '1m', tsla[0]!.t);
      return rows.length >= tsla.length && rows;
    });
    expect(stored.map(({ t, o, h, l, c, v }) => ({ t, o, h, l, c, v }))).toEqual(tsla);
  });

  test('Finnhub: trades built into minute bars across dropped and refused connections, gaps from the candle API', async () => {
    const server = new FakeFinnhubServer(['TSLA', 'NVDA']);
    servers.push(server);
    const { wsUrl, restUrl } = await server.listen();
    const protocol = finnhubProtocol({ streamUrl: wsUrl, restUrl, token: FINNHUB_TOKEN });
    const { emitted, stats } = await stream(
      context,
      protocol,
      async () => ['TSLA', 'NVDA'],
      barsReached(20, ['TSLA', 'NVDA']),
      async (soFar) => {
        await waitFor('4 bars', async () => barsReached(4, ['TSLA', 'NVDA'])(soFar), 30_000, 20);
        server.dropConnections();
        await waitFor('10 bars', async () => barsReached(10, ['TSLA', 'NVDA'])(soFar), 30_000, 20);
        await outageOverAMinute(server);
      },
    );
    expect(
      server.received.filter((f) => f === JSON.stringify({ type: 'subscribe', symbol: 'TSLA' })).length,
    ).toBeGreaterThanOrEqual(3);
    expect(stats.trades).toBeGreaterThan(100);
    expect(stats.backfilledBars).toBeGreaterThan(0);
    for (const symbol of ['TSLA', 'NVDA']) expectExactly(server, symbol, emitted.get(symbol)!);
  });

  test('following the registry: an onboarded ticker is subscribed once active, an offboarded one unsubscribed', async () => {
    const server = new FakeFinnhubServer(['LIVE', 'TSLA']);
    servers.push(server);
    const { wsUrl, restUrl } = await server.listen();
    const registry = context.temporal.workflow.getHandle(REGISTRY_WORKFLOW_ID);
    await registry.executeUpdate(onboardUpdate, {
      args: [{ ticker: 'LIVE', interval: '1m', source: { kind: 'none' } }],
    });
    await waitFor('LIVE active', async () =>
      (await registry.query(tickersQuery)).some((e) => e.ticker === 'LIVE' && e.status === 'active'),
    );
    const { emitted } = await stream(
      context,
      finnhubProtocol({ streamUrl: wsUrl, restUrl, token: FINNHUB_TOKEN }),
      registrySymbols(context.temporal, '1m'),
      () => server.received.includes(JSON.stringify({ type: 'unsubscribe', symbol: 'LIVE' })),
      async (soFar) => {
        await waitFor('LIVE bars', async () => barsReached(3, ['LIVE'])(soFar), 30_000, 20);
        await registry.executeUpdate(offboardUpdate, { args: [{ ticker: 'LIVE', interval: '1m' }] });
      },
    );
    expect(server.received).toContain(JSON.stringify({ type: 'subscribe', symbol: 'LIVE' }));
    expect(emitted.has('TSLA')).toBe(false); // not onboarded, not streamed
    expectExactly(server, 'LIVE', emitted.get('LIVE')!);
  });

  test('bad credentials stop the source with the reason instead of retrying forever', async () => {
    const alpaca = new FakeAlpacaServer(['TSLA']);
    const finnhub = new FakeFinnhubServer(['TSLA']);
    servers.push(alpaca, finnhub);
    const a = await alpaca.listen();
    const f = await finnhub.listen();
    const run = (protocol: FeedProtocol) =>
      produce(
        context.aws.kinesis,
        liveSource({ protocol, symbols: async () => ['TSLA'], signal: new AbortController().signal, log }),
        { streamName: context.config.stream.name },
      );
    await expect(
      run(alpacaProtocol({ streamUrl: a.wsUrl, restUrl: a.restUrl, keyId: 'wrong', secretKey: 'x', channel: 'bars' })),
    ).rejects.toThrow(new FatalFeedError('Alpaca error 402: auth failed'));
    await expect(run(finnhubProtocol({ streamUrl: f.wsUrl, restUrl: f.restUrl, token: 'wrong' }))).rejects.toThrow(
      /finnhub refused the connection: HTTP 401 \(check the API key\/token\)/,
    );
  });

  test('error and unreadable frames are counted and logged; streaming goes on', async () => {
    const server = new FakeAlpacaServer(['TSLA']);
    servers.push(server);
    const { wsUrl, restUrl } = await server.listen();
    const protocol = alpacaProtocol({
      streamUrl: wsUrl,
      restUrl,
      keyId: ALPACA_KEY.id,
      secretKey: ALPACA_KEY.secret,
      channel: 'trades',
    });
    const { emitted, stats } = await stream(
      context,
      protocol,
      async () => ['TSLA'],
      barsReached(8, ['TSLA']),
      async (soFar) => {
        await waitFor('2 bars', async () => barsReached(2, ['TSLA'])(soFar), 30_000, 20);
        server.broadcast(JSON.stringify([{ T: 'error', code: 405, msg: 'symbol limit exceeded' }]));
        server.broadcast('{"not":"an array"}');
      },
    );
    expect(stats).toMatchObject({ errorFrames: 1, badFrames: 1 });
    expectExactly(server, 'TSLA', emitted.get('TSLA')!);
  });
});
