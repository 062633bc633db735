import type http from 'node:http';
import { FakeFeedServer, type FakeClient } from './fake-feed-server';
import type { Trade } from './trade-tape';

export const FINNHUB_TOKEN = 'test-token';

/**
 * Finnhub's websocket as documented: token in the URL (a bad one is refused at the upgrade with
 * 401), `{"type":"subscribe","symbol":S}` per symbol, trades as `{"type":"trade","data":[{s,p,t,v,c}]}`,
 * `{"type":"ping"}` keep-alives; refused connections get 429; `/api/v1/stock/candle` at resolution 1.
 */
export class FakeFinnhubServer extends FakeFeedServer {
  protected readonly wsPath = '/';
  private ticks = 0;

  protected refuseUpgrade(url: URL): string | undefined {
    if (url.searchParams.get('token') !== FINNHUB_TOKEN) return '401 Unauthorized';
    if (this.refuseNext > 0) {
      this.refuseNext--;
      return '429 Too Many Requests';
    }
    return undefined;
  }

  protected greet(client: FakeClient): void {
    client.authenticated = true;
  }

  protected onFrame(client: FakeClient, frame: string): void {
    let message: { type?: string; symbol?: string };
    try {
      message = JSON.parse(frame);
    } catch {
      client.socket.send(JSON.stringify({ type: 'error', msg: 'Invalid message' }));
      return;
    }
    if (message.type === 'subscribe' && message.symbol) client.trades.add(message.symbol);
    else if (message.type === 'unsubscribe' && message.symbol) client.trades.delete(message.symbol);
    else client.socket.send(JSON.stringify({ type: 'error', msg: 'Invalid message' }));
  }

  protected onTick(trades: Trade[]): void {
    this.ticks++;
    for (const client of this.clients) {
      const data = trades
        .filter((t) => client.trades.has(t.symbol))
        .map((t) => ({ s: t.symbol, p: t.price, t: t.t, v: t.size, c: null }));
      if (data.length) client.socket.send(JSON.stringify({ type: 'trade', data }));
      if (this.ticks % 25 === 0) client.socket.send(JSON.stringify({ type: 'ping' }));
    }
  }

  protected handleRest(url: URL, _req: http.IncomingMessage, res: http.ServerResponse): void {
    if (url.searchParams.get('token') !== FINNHUB_TOKEN) return this.json(res, 401, { error: 'Invalid API key' });
    if (url.pathname !== '/api/v1/stock/candle' || url.searchParams.get('resolution') !== '1')
      return this.json(res, 404, { error: 'not found' });
    const symbol = url.searchParams.get('symbol') ?? '';
    const bars = this.tape.bars(
      symbol,
      Number(url.searchParams.get('from')) * 1000,
      Number(url.searchParams.get('to')) * 1000,
    );
    if (!bars.length) return this.json(res, 200, { s: 'no_data' });
    this.json(res, 200, {
      s: 'ok',
      t: bars.map((b) => b.t / 1000),
      o: bars.map((b) => b.o),
      h: bars.map((b) => b.h),
      l: bars.map((b) => b.l),
      c: bars.map((b) => b.c),
      v: bars.map((b) => b.v),
    });
  }
}
