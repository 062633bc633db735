import { readFileSync } from 'node:fs';
import { DEFAULT_WARMUP_BARS, IndicatorSet, INDICATOR_NAMES } from '../../domain/indicators';
import { parseYahooCsv } from '../../domain/yahoo-csv';
import { packagedDataset } from '../../producer/sources/replay';
import { SyntheticMarket } from '../../domain/synthetic';
import { firstMismatch, referenceIndicators } from '../reference/indicators';

const aapl = parseYahooCsv(readFileSync(packagedDataset('aapl'), 'utf8'));

describe('IndicatorSet', () => {
  test('matches the whole-series reference on every AAPL bar (relative error ≤ 1e-9)', () => {
    const set = IndicatorSet.empty();
    const expected = referenceIndicators(aapl);
    aapl.forEach((bar, i) => {
      const mismatch = firstMismatch({ ...set.add(bar) }, expected[i]!);
      if (mismatch) throw new Error(`bar ${i} (${new Date(bar.t).toISOString()}): ${mismatch}`);
    });
    // Every indicator is defined by the end, so the comparison above covered real values.
    expect(INDICATOR_NAMES.every((name) => expected[aapl.length - 1]![name] !== null)).toBe(true);
  });

  test('warm-up from stored history continues exactly where an uninterrupted run would be', () => {
    const uninterrupted = IndicatorSet.empty();
    const rows = aapl.map((bar) => ({ ...bar, ...uninterrupted.add(bar) }));
    for (const split of [1, 30, 700, 1200]) {
      // Warm-up window shorter than the history: EMA/RSI seeds differ but are forgotten; OBV continues from storage.
      const resumed = IndicatorSet.warmUp(rows.slice(Math.max(0, split - DEFAULT_WARMUP_BARS), split));
      for (let i = split; i < Math.min(split + 40, aapl.length); i++) {
        const { t: _t, o: _o, h: _h, l: _l, c: _c, v: _v, ...expected } = rows[i]!;
        const mismatch = firstMismatch({ ...resumed.add(aapl[i]!) }, expected);
        if (mismatch) throw new Error(`resumed at ${split}, bar ${i}: ${mismatch}`);
      }
    }
  });

  test('the default warm-up window resumes synthetic minute series with jumps within 1e-9, and a window of 300 would not', () => {
    const market = new SyntheticMarket({ tickers: 5, seed: 3, startTime: 0, stepMs: 60_000 });
    const steps = Array.from({ length: 2600 }, () => market.next());
    const worstAfterWarmUp = (window: number) => {
      let mismatches = 0;
      for (let ticker = 0; ticker < 5; ticker++) {
        const bars = steps.map((step) => step[ticker]!.bar);
        const uninterrupted = IndicatorSet.empty();
        const rows = bars.map((bar) => ({ ...bar, ...uninterrupted.add(bar) }));
        for (const split of [1500, 2500]) {
          const resumed = IndicatorSet.warmUp(rows.slice(split - window, split));
          for (let i = split; i < split + 100; i++) {
            const { t: _t, o: _o, h: _h, l: _l, c: _c, v: _v, ...expected } = rows[i]!;
            if (firstMismatch({ ...resumed.add(bars[i]!) }, expected) !== undefined) mismatches++;
          }
        }
      }
      return mismatches;
    };
    expect(worstAfterWarmUp(DEFAULT_WARMUP_BARS)).toBe(0);
    // The check can fail: too short a window leaves the EMA seeds visible.
    expect(worstAfterWarmUp(300)).toBeGreaterThan(0);
  });

  test('rejects bars out of time order', () => {
    const set = IndicatorSet.empty();
    set.add(aapl[1]!);
    expect(() => set.add(aapl[0]!)).toThrow(/time order/);
  });

  test('synthetic series also match the reference', () => {
    const market = new SyntheticMarket({ tickers: 3, seed: 7, startTime: 0, stepMs: 60_000 });
    const steps = Array.from({ length: 400 }, () => market.next());
    for (let ticker = 0; ticker < 3; ticker++) {
      const bars = steps.map((step) => step[ticker]!.bar);
      const set = IndicatorSet.empty();
      const expected = referenceIndicators(bars);
      bars.forEach((bar, i) => expect(firstMismatch({ ...set.add(bar) }, expected[i]!)).toBeUndefined());
    }
  });
});
