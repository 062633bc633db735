import { p99ByBurst } from '../../bench/pipeline-probes';

describe("each burst's p99", () => {
  test('bars are grouped by their bar time and the bursts listed in time order, whatever order the bars come in', () => {
    const bars = [
      { t: 120_000, ms: 700 },
      { t: 0, ms: 2_000 },
      { t: 60_000, ms: 900 },
      { t: 0, ms: 2_000 },
      { t: 120_000, ms: 700 },
      { t: 60_000, ms: 900 },
    ];
    expect(p99ByBurst(bars)).toBe('2000, 900, 700');
  });

  test('a burst is judged by its slowest percent of bars (nearest rank): one slow bar in 100 does not move it, two do', () => {
    const burst = (slow: number) => Array.from({ length: 100 }, (_, i) => ({ t: 0, ms: i < 100 - slow ? 100 : 5_000 }));
    expect(p99ByBurst(burst(1))).toBe('100');
    expect(p99ByBurst(burst(2))).toBe('5000');
    expect(p99ByBurst([])).toBe('');
  });
});
