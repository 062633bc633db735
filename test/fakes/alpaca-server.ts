import type http from 'node:http';
import { FakeFeedServer, type FakeClient } from './fake-feed-server';
import type { Trade } from './trade-tape';

export const ALPACA_KEY = { id: 'PKTEST', secret: 'test-secret' };
const send = (client: FakeClient, messages: unknown[]) => client.socket.send(JSON.stringify(messages));

/**
 * Alpaca market data v2 as documented: welcome, `auth` action (402 on bad keys, 401 before auth),
 * `subscribe`/`unsubscribe` with trades/bars lists answered by a `subscription` message, trades
 * `{T:"t"}` as they happen and minute bars `{T:"b"}` when the minute closes; 406 "connection
 * limit exceeded" for refused connections; `/v2/stocks/bars` with key headers and pagination.
 */
export class FakeAlpacaServer extends FakeFeedServer {
  protected readonly wsPath = '/v2/iex';
  /** Small pages so clients must follow next_page_token. */
  pageSize = 5;

  protected refuseUpgrade(): undefined {
    return undefined;
  }

  protected greet(client: FakeClient): void {
    if (this.refuseNext > 0) {
      this.refuseNext--;
      send(client, [{ T: 'error', code: 406, msg: 'connection limit exceeded' }]);
      client.socket.close();
      return;
    }
    send(client, [{ T: 'success', msg: 'connected' }]);
  }

  protected onFrame(client: FakeClient, frame: string): void {
    let message: { action?: string; key?: string; secret?: string; trades?: string[]; bars?: string[] };
    try {
      message = JSON.parse(frame);
    } catch {
      send(client, [{ T: 'error', code: 400, msg: 'invalid syntax' }]);
      return;
    }
    if (message.action === 'auth') {
      if (message.key !== ALPACA_KEY.id || message.secret !== ALPACA_KEY.secret) {
        send(client, [{ T: 'error', code: 402, msg: 'auth failed' }]);
        client.socket.close();
        return;
      }
      client.authenticated = true;
      send(client, [{ T: 'success', msg: 'authenticated' }]);
      return;
    }
    if (!client.authenticated) {
      send(client, [{ T: 'error', code: 401, msg: 'not authenticated' }]);
      return;
    }
    const change = message.action === 'subscribe' ? 'add' : message.action === 'unsubscribe' ? 'delete' : undefined;
    if (!change) {
      send(client, [{ T: 'error', code: 400, msg: 'invalid syntax' }]);
      return;
    }
    for (const s of message.trades ?? []) client.trades[change](s);
    for (const s of message.bars ?? []) client.bars[change](s);
    send(client, [
      {
        T: 'subscription',
        trades: [...client.trades],
        quotes: [],
        bars: [...client.bars],
        updatedBars: [],
        dailyBars: [],
      },
    ]);
  }

  protected onTick(trades: Trade[], closedMinutes: number[]): void {
    let id = 0;
    for (const client of this.clients) {
      if (!client.authenticated) continue;
      const messages: unknown[] = trades
        .filter((t) => client.trades.has(t.symbol))
        .map((t) => ({
          T: 't',
          S: t.symbol,
          i: ++id,
          x: 'V',
          p: t.price,
          s: t.size,
          t: new Date(t.t).toISOString(),
          c: ['@'],
          z: 'C',
        }));
      for (const minute of closedMinutes) {
        for (const symbol of client.bars) {
          const [bar] = this.tape.bars(symbol, minute, minute);
          if (bar)
            messages.push({
              T: 'b',
              S: symbol,
              o: bar.o,
              h: bar.h,
              l: bar.l,
              c: bar.c,
              v: bar.v,
              t: new Date(bar.t).toISOString(),
              n: 1,
              vw: bar.c,
            });
        }
      }
      if (messages.length) send(client, messages);
    }
  }

  protected handleRest(url: URL, req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.headers['apca-api-key-id'] !== ALPACA_KEY.id || req.headers['apca-api-secret-key'] !== ALPACA_KEY.secret)
      return this.json(res, 401, { message: 'unauthorized' });
    if (url.pathname !== '/v2/stocks/bars' || url.searchParams.get('timeframe') !== '1Min')
      return this.json(res, 404, { message: 'not found' });
    const symbols = (url.searchParams.get('symbols') ?? '').split(',').filter(Boolean);
    const from = Date.parse(url.searchParams.get('start') ?? '');
    const to = Date.parse(url.searchParams.get('end') ?? '');
    if (!symbols.length || Number.isNaN(from) || Number.isNaN(to))
      return this.json(res, 422, { message: 'symbols, start and end are required' });
    const all = symbols.flatMap((symbol) => this.tape.bars(symbol, from, to).map((bar) => ({ symbol, bar })));
    const offset = Number(url.searchParams.get('page_token') ?? 0);
    const page = all.slice(offset, offset + this.pageSize);
    const bars: Record<string, unknown[]> = {};
    for (const { symbol, bar } of page)
      (bars[symbol] ??= []).push({
        t: new Date(bar.t).toISOString(),
        o: bar.o,
        h: bar.h,
        l: bar.l,
        c: bar.c,
        v: bar.v,
        n: 1,
        vw: bar.c,
      });
    this.json(res, 200, {
      bars,
      next_page_token: offset + this.pageSize < all.length ? String(offset + this.pageSize) : null,
    });
  }
}
