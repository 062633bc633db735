import { z } from 'zod';
import { TICKER_PATTERN, TICKER_RULE } from './ticker-symbol';

/**
 * The wire format of every Kinesis record: versioned JSON. Version 1 carries one OHLCV bar.
 * Validation lives here, at the edge, so everything downstream can trust a `Bar`.
 */
const SCHEMA_VERSION = 1;
export const INTERVALS = ['1m', '5m', '15m', '1h', '1d'] as const;
export type BarInterval = (typeof INTERVALS)[number];
export const INTERVAL_MS: Record<BarInterval, number> = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
};

export const tickerSchema = z.string().regex(TICKER_PATTERN, TICKER_RULE);

const price = (field: string) =>
  z
    .number({ error: `${field} must be a number` })
    .refine((n) => Number.isFinite(n) && n > 0, `${field} must be a finite positive number`);

const barEventSchema = z
  .object({
    v: z.literal(SCHEMA_VERSION),
    type: z.literal('bar'),
    ticker: tickerSchema,
    interval: z.enum(INTERVALS),
    t: z.iso.datetime({ offset: true, error: 't must be an ISO-8601 timestamp' }),
    o: price('o'),
    h: price('h'),
    l: price('l'),
    c: price('c'),
    vol: z.number().refine((n) => Number.isFinite(n) && n >= 0, 'vol must be a finite number ≥ 0'),
  })
  .superRefine((bar, ctx) => {
    if (bar.h < bar.l) ctx.addIssue({ code: 'custom', message: `high ${bar.h} is below low ${bar.l}` });
    else if (bar.o > bar.h || bar.o < bar.l || bar.c > bar.h || bar.c < bar.l)
      ctx.addIssue({ code: 'custom', message: 'open and close must lie within [low, high]' });
  });

export type BarEvent = z.infer<typeof barEventSchema>;

/** A validated bar in the form the pipeline computes with: time as epoch milliseconds. */
export interface Bar {
  t: number;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
}

export type ParseResult = { ok: true; event: BarEvent } | { ok: false; reason: string };

export function parseMarketEvent(data: Uint8Array | string): ParseResult {
  const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `malformed JSON: ${(error as Error).message}` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, reason: 'not a JSON object' };
  }
  const version = (json as Record<string, unknown>).v;
  if (version !== SCHEMA_VERSION) {
    return {
      ok: false,
      reason: `unknown schema version ${JSON.stringify(version ?? null)} (supported: ${SCHEMA_VERSION})`,
    };
  }
  const parsed = barEventSchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      reason: parsed.error.issues
        .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
        .join('; '),
    };
  }
  return { ok: true, event: parsed.data };
}

export function barEvent(ticker: string, interval: BarInterval, bar: Bar): BarEvent {
  return {
    v: SCHEMA_VERSION,
    type: 'bar',
    ticker,
    interval,
    t: new Date(bar.t).toISOString(),
    o: bar.o,
    h: bar.h,
    l: bar.l,
    c: bar.c,
    vol: bar.v,
  };
}

export function encodeMarketEvent(event: BarEvent): string {
  return JSON.stringify(event);
}

export function toBar(event: BarEvent): Bar {
  return { t: Date.parse(event.t), o: event.o, h: event.h, l: event.l, c: event.c, v: event.vol };
}
