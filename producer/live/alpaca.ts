import { z } from 'zod';
import type { Bar } from '../../domain/market-event';
import type { FeedMessage, FeedProtocol } from './feed-protocol';

/** Alpaca's error codes after which reconnecting cannot help. */
const FATAL_CODES = new Set([400, 401, 402, 409]);

const time = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an RFC-3339 time');
const ohlcv = {
  o: z.number().positive(),
  h: z.number().positive(),
  l: z.number().positive(),
  c: z.number().positive(),
  v: z.number().nonnegative(),
  t: time,
};
const message = z.discriminatedUnion('T', [
  z.object({ T: z.literal('success'), msg: z.string() }),
  z.object({ T: z.literal('error'), code: z.number().int(), msg: z.string() }),
  z.object({
    T: z.literal('subscription'),
    trades: z.array(z.string()).optional(),
    bars: z.array(z.string()).optional(),
  }),
  z.object({ T: z.literal('t'), S: z.string(), p: z.number().positive(), s: z.number().nonnegative(), t: time }),
  z.object({ T: z.literal('b'), S: z.string(), ...ohlcv }),
  // Quotes, updated and daily bars, statuses, LULD: not used by tickflow.
  z.object({ T: z.enum(['q', 'u', 'd', 's', 'l', 'c', 'x']) }),
]);
const restBars = z.object({
  bars: z.record(z.string(), z.array(z.object(ohlcv)).nullable()).nullable(),
  next_page_token: z.string().nullable().optional(),
});

const toBar = (b: { t: string; o: number; h: number; l: number; c: number; v: number }): Bar => ({
  t: Date.parse(b.t),
  o: b.o,
  h: b.h,
  l: b.l,
  c: b.c,
  v: b.v,
});

export interface AlpacaOptions {
  /** e.g. wss://stream.data.alpaca.markets/v2/iex */
  streamUrl: string;
  /** e.g. https://data.alpaca.markets */
  restUrl: string;
  keyId: string;
  secretKey: string;
  /** Stream Alpaca's minute bars, or trades aggregated here (IEX bars skip minutes without IEX trades either way). */
  channel: 'bars' | 'trades';
  feed?: string;
}

/**
 * Alpaca market data v2: `[{"T":"success","msg":"connected"}]` → auth → `authenticated` →
 * subscribe `{trades|bars: [...]}`; data arrives as arrays of `{T:"t"|"b", S, ...}`. Gaps are
 * filled from the historical bars endpoint (`/v2/stocks/bars`).
 */
export function alpacaProtocol(options: AlpacaOptions): FeedProtocol {
  const headers = { 'APCA-API-KEY-ID': options.keyId, 'APCA-API-SECRET-KEY': options.secretKey };
  return {
    name: 'alpaca',
    mode: options.channel,
    url: options.streamUrl,
    awaitsReady: true,
    onOpen: () => [JSON.stringify({ action: 'auth', key: options.keyId, secret: options.secretKey })],
    parse(frame) {
      const parsed = z.array(message).safeParse(JSON.parse(frame));
      if (!parsed.success)
        throw new Error(`not an Alpaca v2 frame (${parsed.error.issues[0]?.message}): ${frame.slice(0, 200)}`);
      return parsed.data.map((m): FeedMessage => {
        switch (m.T) {
          case 'success':
            return m.msg === 'authenticated' ? { type: 'ready' } : { type: 'info', message: m.msg };
          case 'error':
            return { type: 'error', message: `Alpaca error ${m.code}: ${m.msg}`, fatal: FATAL_CODES.has(m.code) };
          case 'subscription':
            return {
              type: 'info',
              message: `subscribed trades=${(m.trades ?? []).join(',')} bars=${(m.bars ?? []).join(',')}`,
            };
          case 't':
            return { type: 'trade', symbol: m.S, t: Date.parse(m.t), price: m.p, size: m.s };
          case 'b':
            return { type: 'bar', symbol: m.S, bar: toBar(m) };
          default:
            return { type: 'info', message: `ignored ${m.T}` };
        }
      });
    },
    subscribe: (symbols) => [JSON.stringify({ action: 'subscribe', [options.channel]: symbols })],
    unsubscribe: (symbols) => [JSON.stringify({ action: 'unsubscribe', [options.channel]: symbols })],
    async fetchBars(symbol, fromMs, toMs) {
      const bars: Bar[] = [];
      let pageToken: string | undefined;
      do {
        const query = new URLSearchParams({
          symbols: symbol,
          timeframe: '1Min',
          start: new Date(fromMs).toISOString(),
          end: new Date(toMs).toISOString(),
          limit: '10000',
          ...(options.feed ? { feed: options.feed } : {}),
          ...(pageToken ? { page_token: pageToken } : {}),
        });
        const response = await fetch(`${options.restUrl}/v2/stocks/bars?${query}`, {
          headers,
          signal: AbortSignal.timeout(10_000),
        });
        if (!response.ok)
          throw new Error(`Alpaca bars ${symbol}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
        const page = restBars.parse(await response.json());
        bars.push(...(page.bars?.[symbol] ?? []).map(toBar));
        pageToken = page.next_page_token ?? undefined;
      } while (pageToken);
      return bars;
    },
  };
}
