import { z } from 'zod';
import type { FeedMessage, FeedProtocol } from './feed-protocol';

const message = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('trade'),
    data: z.array(
      z.object({
        s: z.string(),
        p: z.number().positive(),
        t: z.number().int().positive(),
        v: z.number().nonnegative(),
      }),
    ),
  }),
  z.object({ type: z.literal('ping') }),
  z.object({ type: z.literal('error'), msg: z.string() }),
  z.object({ type: z.literal('news') }),
]);
const candles = z.union([
  z.object({ s: z.literal('no_data') }),
  z.object({
    s: z.literal('ok'),
    t: z.array(z.number()),
    o: z.array(z.number()),
    h: z.array(z.number()),
    l: z.array(z.number()),
    c: z.array(z.number()),
    v: z.array(z.number()),
  }),
]);

export interface FinnhubOptions {
  /** e.g. wss://ws.finnhub.io */
  streamUrl: string;
  /** e.g. https://finnhub.io */
  restUrl: string;
  token: string;
}

/**
 * Finnhub's websocket: the token rides in the URL, one `{"type":"subscribe","symbol":S}` per
 * symbol, trades arrive as `{"type":"trade","data":[{s,p,t,v}]}` and are built into minute bars
 * here; gaps are filled from `/api/v1/stock/candle` (resolution 1).
 */
export function finnhubProtocol(options: FinnhubOptions): FeedProtocol {
  return {
    name: 'finnhub',
    mode: 'trades',
    url: `${options.streamUrl}?token=${encodeURIComponent(options.token)}`,
    awaitsReady: false,
    onOpen: () => [],
    parse(frame) {
      const parsed = message.safeParse(JSON.parse(frame));
      if (!parsed.success)
        throw new Error(`not a Finnhub frame (${parsed.error.issues[0]?.message}): ${frame.slice(0, 200)}`);
      const m = parsed.data;
      if (m.type === 'trade')
        return m.data.map((d): FeedMessage => ({ type: 'trade', symbol: d.s, t: d.t, price: d.p, size: d.v }));
      if (m.type === 'error') return [{ type: 'error', message: `Finnhub error: ${m.msg}`, fatal: false }];
      return [];
    },
    subscribe: (symbols) => symbols.map((symbol) => JSON.stringify({ type: 'subscribe', symbol })),
    unsubscribe: (symbols) => symbols.map((symbol) => JSON.stringify({ type: 'unsubscribe', symbol })),
    async fetchBars(symbol, fromMs, toMs) {
      const query = new URLSearchParams({
        symbol,
        resolution: '1',
        from: String(Math.floor(fromMs / 1000)),
        to: String(Math.floor(toMs / 1000)),
        token: options.token,
      });
      const response = await fetch(`${options.restUrl}/api/v1/stock/candle?${query}`, {
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok)
        throw new Error(`Finnhub candles ${symbol}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
      const page = candles.parse(await response.json());
      if (page.s === 'no_data') return [];
      return page.t.map((t, i) => ({
        t: t * 1000,
        o: page.o[i]!,
        h: page.h[i]!,
        l: page.l[i]!,
        c: page.c[i]!,
        v: page.v[i]!,
      }));
    },
  };
}
