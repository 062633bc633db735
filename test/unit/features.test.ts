import { readFileSync } from 'node:fs';
import { IndicatorSet } from '../../domain/indicators';
import { parseYahooCsv } from '../../domain/yahoo-csv';
import { packagedDataset } from '../../producer/sources/replay';
import { csvLine, FEATURE_LOOKBACK, FEATURE_NAMES, featureRows, type FeatureBar } from '../../domain/features';
import { walkForwardSplit } from '../../domain/walk-forward';

const aapl = parseYahooCsv(readFileSync(packagedDataset('aapl'), 'utf8'));
const set = IndicatorSet.empty();
const bars: FeatureBar[] = aapl.map((bar) => ({ ...bar, ...set.add(bar) }));
const column = (name: (typeof FEATURE_NAMES)[number]) => FEATURE_NAMES.indexOf(name);

describe('featureRows', () => {
  const rows = featureRows(bars, 1);

  test('targets are the forward log return over the horizon; the last horizon rows have none', () => {
    expect(rows[10]!.target).toBeCloseTo(Math.log(bars[11]!.c / bars[10]!.c), 15);
    const five = featureRows(bars, 5);
    expect(five[10]!.target).toBeCloseTo(Math.log(bars[15]!.c / bars[10]!.c), 15);
    expect(five.slice(-5).every((r) => r.target === null)).toBe(true);
    expect(five[five.length - 6]!.target).not.toBeNull();
  });

  test('return and volatility windows match a direct computation', () => {
    const i = 300;
    const f = rows[i]!.features;
    expect(f[column('ret5')]).toBeCloseTo(Math.log(bars[i]!.c / bars[i - 5]!.c), 15);
    const returns = Array.from({ length: 20 }, (_, k) => Math.log(bars[i - k]!.c / bars[i - k - 1]!.c));
    const m = returns.reduce((s, x) => s + x, 0) / 20;
    expect(f[column('vol20')]).toBeCloseTo(Math.sqrt(returns.reduce((s, x) => s + (x - m) ** 2, 0) / 19), 15);
    expect(f[column('bbPercentB')]).toBeCloseTo(
      (bars[i]!.c - bars[i]!.bbLower!) / (bars[i]!.bbUpper! - bars[i]!.bbLower!),
      12,
    );
  });

  test('missing history gives null features, never zeros; from the lookback on every feature is set', () => {
    expect(rows[0]!.features[column('ret1')]).toBeNull();
    expect(rows[0]!.features[column('closeToSma50')]).toBeNull();
    expect(rows[60]!.features.every((x) => x !== null && Number.isFinite(x))).toBe(true);
  });

  test('rows computed from a trailing window equal rows computed over the whole series', () => {
    // The prediction step sees only the last FEATURE_LOOKBACK stored bars before a batch.
    const start = 900;
    const windowed = featureRows(bars.slice(start, start + 10), 1, bars.slice(start - FEATURE_LOOKBACK, start));
    expect(windowed.map((r) => r.features)).toEqual(rows.slice(start, start + 10).map((r) => r.features));
  });

  test('rejects a horizon that is not a positive integer', () => {
    expect(() => featureRows(bars, 0)).toThrow(/horizon/);
  });

  test('csvLine writes missing values as empty fields', () => {
    expect(csvLine([0.5, null, -1])).toBe('0.5,,-1');
  });
});

describe('walkForwardSplit', () => {
  const rows = featureRows(bars, 3);

  test('no training label reaches into the holdout (gap = horizon) and the holdout is the latest fifth', () => {
    const split = walkForwardSplit([{ ticker: 'AAPL', rows }], 3, 0.2);
    const index = new Map(bars.map((b, i) => [b.t, i]));
    const firstHoldout = index.get(split.holdoutStart)!;
    for (const row of split.train) expect(index.get(row.t)! + 3).toBeLessThan(firstHoldout);
    expect(split.holdout.every((r) => r.t >= split.holdoutStart)).toBe(true);
    expect(split.holdout.length).toBeGreaterThan(0.19 * (rows.length - 3));
    expect(split.holdout.length).toBeLessThan(0.21 * (rows.length - 3));
    // Exactly `horizon` labelled rows are dropped between train and holdout.
    expect(split.train.length + split.holdout.length).toBe(rows.length - 3 - 3);
  });

  test('refuses a split with too little data', () => {
    expect(() => walkForwardSplit([{ ticker: 'AAPL', rows: rows.slice(0, 3) }], 3, 0.2)).toThrow(
      /more history|not enough/,
    );
  });
});
