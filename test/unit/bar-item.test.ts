import { barItem, barOf } from '../../store/bar-item';
import type { StoredBar } from '../../store/bars-store';

const t = Date.UTC(2026, 11, 4, 14, 30);
const bar: StoredBar = {
  ticker: 'AAPL',
  interval: '1m',
  time: new Date(t).toISOString(),
  t,
  o: 189.01,
  h: 189.52,
  l: 188.73,
  c: 189.29999999999998,
  v: 1_204_377,
  seq: '49650000000000000000000000000000000000000000000000000001',
  sma20: 188.9341234567891,
  sma50: null,
  ema20: 188.9,
  ema50: null,
  rsi14: 61.23456789,
  macd: -0.000123456789,
  macdSignal: null,
  macdHistogram: null,
  bbUpper: 190.1,
  bbMiddle: 188.9341234567891,
  bbLower: 187.7,
  atr14: 0.42,
  obv: 1.2e7,
  volatility: 0.0012,
  prediction: {
    horizon: 5,
    predictedReturn: 0.00031,
    predictedClose: 189.35867,
    quantileLevels: [0.1, 0.5, 0.9],
    quantileCloses: [188.9, 189.35867, 189.8],
    modelVersion: 'v20261203-225934',
    predictedAt: t + 812,
  },
};
const series = { ticker: 'AAPL', interval: '1m' };

describe('a bar in its DynamoDB item', () => {
  test('reads back exactly as written, every number to the last bit', () => {
    expect(barOf(barItem(bar), series)).toStrictEqual(bar);
    const { prediction: _p, seq: _s, ...bare } = bar;
    expect(barOf(barItem(bare), series)).toStrictEqual(bare);
  });

  test('11 attributes: the key, the bar, its record and OBV of their own; the other indicators and the forecast as JSON', () => {
    const item = barItem(bar);
    expect(Object.keys(item).sort()).toEqual(
      ['pk', 't', 'o', 'h', 'l', 'c', 'v', 'obv', 'seq', 'indicators', 'prediction'].sort(),
    );
    expect(item.pk).toBe('AAPL#1m');
    expect(JSON.parse(item.indicators)).toMatchObject({ sma50: null, rsi14: 61.23456789 });
    expect(JSON.parse(item.indicators)).not.toHaveProperty('obv');
  });

  test('an item of the layout before (every value an attribute, the forecast a map) reads as the same bar', () => {
    expect(barOf({ pk: 'AAPL#1m', ...bar }, series)).toStrictEqual(bar);
  });

  test('projected attributes come back alone, the forecast parsed', () => {
    const { t: time, prediction } = barItem(bar);
    expect(barOf({ t: time, prediction })).toStrictEqual({ t, prediction: bar.prediction });
    expect(barOf({ t, o: 1, obv: null })).toStrictEqual({ t, o: 1, obv: null });
  });

  test('a number JSON cannot hold is refused, by name, not stored as null', () => {
    expect(() => barItem({ ...bar, rsi14: Number.NaN })).toThrow(/AAPL 1m 2026-12-04T14:30:00.000Z: rsi14 is NaN/);
  });

  test('an attribute that is not JSON names the bar', () => {
    expect(() => barOf({ pk: 'AAPL#1m', t, indicators: '{"sma20":' }, series)).toThrow(
      /stored bar AAPL#1m \d+: indicators is not JSON/,
    );
  });
});
