import type { BarEvent } from '../../domain/market-event';

/** A record the pipeline must refuse, and why it is certain to be invalid. */
export interface FuzzRecord {
  partitionKey: string;
  data: Buffer;
  mutation: string;
}

type Mutation = (event: BarEvent, random: () => number) => { data: string | Buffer; key?: string };

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)]!;
const NUMERIC = ['o', 'h', 'l', 'c', 'vol'] as const;
const REQUIRED = ['v', 'type', 'ticker', 'interval', 't', 'o', 'h', 'l', 'c', 'vol'] as const;

/** Every mutation breaks the record for sure: none can turn out valid by chance. */
const MUTATIONS: Record<string, Mutation> = {
  truncated: (e, r) => {
    const json = JSON.stringify(e);
    return { data: json.slice(0, 1 + Math.floor(r() * (json.length - 2))) };
  },
  binary: (_e, r) => ({
    data: Buffer.from([0xff, 0xfe, ...Array.from({ length: 1 + Math.floor(r() * 64) }, () => Math.floor(r() * 256))]),
  }),
  notAnObject: (e, r) => ({ data: pick([JSON.stringify([e]), '"bar"', '42', 'null', 'true'], r) }),
  badVersion: (e, r) => ({ data: JSON.stringify({ ...e, v: pick([0, 2, '1', null, 1.5], r) }) }),
  missingField: (e, r) => {
    const copy: Record<string, unknown> = { ...e };
    delete copy[pick(REQUIRED, r)];
    return { data: JSON.stringify(copy) };
  },
  wrongType: (e, r) => ({
    data: JSON.stringify({ ...e, [pick(NUMERIC, r)]: pick(['12.5', null, true, [1], { n: 1 }], r) }),
  }),
  nonPositivePrice: (e, r) => ({
    data: JSON.stringify({ ...e, [pick(['o', 'h', 'l', 'c'] as const, r)]: pick([0, -1, -0.01], r) }),
  }),
  overflow: (e, r) => ({ data: JSON.stringify(e).replace(`"c":${e.c}`, `"c":${pick(['1e400', '-1e400'], r)}`) }),
  highBelowLow: (e) => ({ data: JSON.stringify({ ...e, h: e.l / 2, o: e.l / 2, c: e.l / 2 }) }),
  closeOutsideRange: (e) => ({ data: JSON.stringify({ ...e, c: e.h * 2 }) }),
  negativeVolume: (e) => ({ data: JSON.stringify({ ...e, vol: -5 }) }),
  badTicker: (e, r) => {
    const ticker = pick(['aapl', '', 'TOOLONGTICKER1', '1ABC', 'AB CD', 'ÄPPLE', 'A$'], r);
    return { data: JSON.stringify({ ...e, ticker }), key: ticker.length ? `FZ-${ticker}` : 'FZ-empty' };
  },
  badInterval: (e, r) => ({ data: JSON.stringify({ ...e, interval: pick(['2m', '1D', '', 'daily'], r) }) }),
  badTime: (e, r) => ({
    data: JSON.stringify({ ...e, t: pick(['yesterday', '', '2024-13-45T00:00:00Z', 1700000000000], r) }),
  }),
  wrongType2: (e, r) => ({ data: JSON.stringify({ ...e, type: pick(['quote', 'trade', '', null], r) }) }),
  keyMismatch: (e) => ({ data: JSON.stringify(e), key: `${e.ticker}X` }),
};

/**
 * `count` invalid records made from valid events (seeded, reproducible), each tagged with its
 * mutation. Partition keys are the events' tickers unless the mutation needs another.
 */
export function fuzzRecords(valid: readonly BarEvent[], count: number, seed: number): FuzzRecord[] {
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const names = Object.keys(MUTATIONS);
  return Array.from({ length: count }, (_, i) => {
    const event = valid[Math.floor(random() * valid.length)]!;
    const mutation = names[i % names.length]!;
    const { data, key } = MUTATIONS[mutation]!(event, random);
    return { partitionKey: key ?? event.ticker, data: Buffer.isBuffer(data) ? data : Buffer.from(data), mutation };
  });
}
