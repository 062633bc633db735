import { LiveBarAssembler, type LiveAction } from '../../domain/live-bars';

const M = 60_000;
const T0 = Date.parse('2024-03-01T14:30:00Z');
const bar = (t: number, c: number) => ({ t, o: c, h: c, l: c, c, v: 1 });
const emitted = (actions: LiveAction[]) =>
  actions.filter((a) => a.kind === 'emit').map((a) => (a.kind === 'emit' ? `${a.symbol}@${(a.bar.t - T0) / M}` : ''));

describe('LiveBarAssembler, trades mode', () => {
  test('the first, partial minute comes from REST; later minutes are built from trades and close on event time', () => {
    const a = new LiveBarAssembler('trades', M, 2_000);
    a.subscribed(['TSLA']);
    expect(a.trade('TSLA', T0 + 30_000, 10, 5)).toEqual([]); // mid-minute 0: trades before the connection are missing
    expect(a.trade('TSLA', T0 + M + 1_000, 11, 5)).toEqual([]); // minute 1 forming; backfill waits for the lateness
    expect(a.trade('TSLA', T0 + M + 2_000, 12, 3)).toEqual([
      { kind: 'backfill', symbol: 'TSLA', fromMs: T0, toMs: T0 },
    ]);
    expect(a.backfilled('TSLA', [bar(T0, 10)])).toEqual([{ kind: 'emit', symbol: 'TSLA', bar: bar(T0, 10) }]);
    a.trade('TSLA', T0 + M + 50_000, 9, 2);
    const closed = a.trade('TSLA', T0 + 2 * M + 2_000, 13, 1);
    expect(closed).toEqual([{ kind: 'emit', symbol: 'TSLA', bar: { t: T0 + M, o: 11, h: 12, l: 9, c: 9, v: 10 } }]);
  });

  test('after a reconnect the minutes since the last bar are asked for once, and bars closed meanwhile wait behind them', () => {
    const a = new LiveBarAssembler('trades', M, 2_000);
    a.subscribed(['TSLA', 'NVDA']);
    a.trade('TSLA', T0 + 1_000, 10, 1);
    a.trade('NVDA', T0 + 1_000, 20, 1);
    a.backfilled('TSLA', [bar(T0, 10)]);
    a.backfilled('NVDA', [bar(T0, 20)]);
    a.reconnected();
    // Back at minute 4: minutes 1–4 are missing or partial.
    expect(a.trade('TSLA', T0 + 4 * M + 10_000, 10, 1)).toEqual([]);
    const actions = a.trade('TSLA', T0 + 6 * M + 5_000, 10, 1);
    expect(actions.filter((x) => x.kind === 'backfill')).toEqual([
      { kind: 'backfill', symbol: 'TSLA', fromMs: T0 + M, toMs: T0 + 4 * M },
      { kind: 'backfill', symbol: 'NVDA', fromMs: T0 + M, toMs: T0 + 4 * M },
    ]);
    expect(emitted(actions)).toEqual([]); // TSLA minute 5 closed, but held behind its gap
    expect(emitted(a.backfilled('TSLA', [bar(T0 + 3 * M, 1), bar(T0 + M, 1), bar(T0, 1)]))).toEqual([
      'TSLA@1',
      'TSLA@3',
    ]); // sorted, minute 0 not again
  });

  test('a trade for a bar already closed is dropped and counted; symbols not subscribed are ignored', () => {
    const a = new LiveBarAssembler('trades', M, 0);
    a.subscribed(['TSLA']);
    a.trade('TSLA', T0, 10, 1);
    expect(a.trade('TSLA', T0 + M, 10, 1)).toEqual([{ kind: 'backfill', symbol: 'TSLA', fromMs: T0, toMs: T0 }]);
    expect(emitted(a.backfilled('TSLA', [bar(T0, 10)]))).toEqual(['TSLA@0']);
    expect(emitted(a.trade('TSLA', T0 + 2 * M, 10, 1))).toEqual(['TSLA@1']);
    a.trade('TSLA', T0 + M + 5, 99, 1);
    expect(a.lateTrades).toBe(1);
    expect(a.trade('AMZN', T0 + 3 * M, 10, 1)).toEqual([
      { kind: 'emit', symbol: 'TSLA', bar: expect.objectContaining({ t: T0 + 2 * M }) },
    ]);
  });
});

describe('LiveBarAssembler, bars mode', () => {
  test('streamed bars pass through once; after a reconnect the bars missed are fetched before the first new one', () => {
    const a = new LiveBarAssembler('bars', M);
    a.subscribed(['AAPL']);
    expect(emitted(a.bar('AAPL', bar(T0, 1)))).toEqual(['AAPL@0']);
    expect(emitted(a.bar('AAPL', bar(T0 + M, 1)))).toEqual(['AAPL@1']);
    a.reconnected();
    const actions = a.bar('AAPL', bar(T0 + 5 * M, 1));
    expect(actions).toEqual([{ kind: 'backfill', symbol: 'AAPL', fromMs: T0 + 2 * M, toMs: T0 + 4 * M }]);
    expect(emitted(a.bar('AAPL', bar(T0 + 6 * M, 1)))).toEqual([]); // still behind the gap
    expect(emitted(a.backfilled('AAPL', [bar(T0 + 2 * M, 1), bar(T0 + 4 * M, 1)]))).toEqual([
      'AAPL@2',
      'AAPL@4',
      'AAPL@5',
      'AAPL@6',
    ]);
    expect(emitted(a.bar('AAPL', bar(T0 + 6 * M, 1)))).toEqual([]); // a repeat
  });
});
