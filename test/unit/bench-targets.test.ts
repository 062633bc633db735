import { targetRows } from '../../bench/targets';

describe('targetRows', () => {
  test('judges each target from the run it is given', () => {
    const rows = Object.fromEntries(
      targetRows({
        market: { keptUp: true, p99Ms: 3000 },
        floor: { p99Ms: 2500 },
        tenX: { keptUp: false, p99Ms: 9000 },
        baseline: { ratio: 12.5 },
        temporalCost: { usdPerTickerMonth: 0.0049 },
        coldStart: { seconds: 61 },
        warmUp: { secondsFor8000: 30 },
        worker: { peakRssMiB: 1025 },
      }),
    );
    expect(Object.values(rows)).toEqual([
      "kept up; p99 3000 ms = 1.20 × the floor's 2500 ms — met",
      'fell behind; p99 9000 ms — missed',
      '12.5 × — met',
      '$0.0049 — met',
      '61.0 s — missed',
      '≈ 30 s — met',
      '1025 MiB — missed',
    ]);
  });

  test('a market that kept up but lies beyond 1.5 × the floor misses; a missing figure says so', () => {
    const [market, tenX] = targetRows({ market: { keptUp: true, p99Ms: 4000 }, floor: { p99Ms: 2000 } });
    expect(market![1]).toBe("kept up; p99 4000 ms = 2.00 × the floor's 2000 ms — missed");
    expect(tenX![1]).toBe('not measured in this run');
  });

  test('shows a ratio just below its target as below it, not rounded up to it', () => {
    const baseline = targetRows({ baseline: { ratio: 9.967 } }).find(([name]) => name.includes('seed-style'));
    expect(baseline![1]).toBe('9.97 × — missed');
  });
});
