import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { baselineReturnQuantiles } from '../../domain/baseline-forecast';
import { quantileMetrics } from '../../domain/quantile-evaluation';

const LEVELS = [0.1, 0.5, 0.9];

/** A seeded stream of standard normal draws (Box–Muller over a 32-bit LCG). */
function normals(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

describe('quantileMetrics', () => {
  test('a forecast identical to the baseline scores exactly as the baseline: ratios 1, no evidence either way', () => {
    const actual = [0.01, -0.02, 0.005, 0.03, -0.01];
    const baseline = actual.map(() => baselineReturnQuantiles(0.015, 1, LEVELS));
    const metrics = quantileMetrics(
      { actual, times: [1, 2, 3, 4, 5], horizon: 1, levels: LEVELS, baseline },
      baseline as number[][],
    );
    expect(metrics).toMatchObject({
      quantileRows: 5,
      pinballRatio: 1,
      widthRatio: 1,
      intervalScoreRatio: 1,
      'pinballRatio@0.1': 1,
      'pinballRatio@0.9': 1,
    });
    expect(metrics.dmPinball).toBe(0);
    expect(metrics.coverageNominal).toBeCloseTo(0.8, 12);
  });

  test('under volatility clustering, quantiles that know each row’s σ beat a constant-σ baseline beyond chance, with coverage near nominal', () => {
    const draw = normals(11);
    const rows = 2000;
    let logVariance = Math.log(1e-4);
    const sigma: number[] = [];
    const actual: number[] = [];
    for (let i = 0; i < rows; i++) {
      logVariance = 0.97 * logVariance + 0.03 * Math.log(1e-4) + 0.3 * draw(); // persistent, clustered volatility
      sigma.push(Math.exp(logVariance / 2));
      actual.push(sigma[i]! * draw());
    }
    const pooled = Math.sqrt(actual.reduce((s, y) => s + y * y, 0) / rows);
    const baseline = actual.map(() => baselineReturnQuantiles(pooled, 1, LEVELS));
    const informed = sigma.map((s) => LEVELS.map((level) => normalQuantile(level, 0, s)));
    const metrics = quantileMetrics(
      { actual, times: actual.map((_, i) => i), horizon: 1, levels: LEVELS, baseline },
      informed,
    );
    expect(metrics.pinballRatio).toBeLessThan(0.97);
    expect(metrics.dmPinballPValue).toBeLessThan(0.05);
    expect(Math.abs(metrics.coverage - 0.8)).toBeLessThan(0.03);
    expect(metrics.coveragePValue).toBeGreaterThan(0.01);
    // …and the same test finds nothing when the forecast is the baseline's own, shuffled across rows.
    const shuffled = quantileMetrics(
      { actual, times: actual.map((_, i) => i), horizon: 1, levels: LEVELS, baseline },
      baseline.map((_, i) => baseline[(i * 7919) % rows]!),
    );
    expect(shuffled.dmPinballPValue).toBeGreaterThan(0.05);
  });

  test('only rows with a baseline forecast are scored, for both', () => {
    const actual = [0.5, 0.01, -0.02, 0.005];
    const baseline = [null, ...actual.slice(1).map(() => baselineReturnQuantiles(0.01, 1, LEVELS))];
    const metrics = quantileMetrics(
      { actual, times: [1, 2, 3, 4], horizon: 1, levels: LEVELS, baseline },
      actual.map(() => [-1, 0, 1]),
    );
    expect(metrics.quantileRows).toBe(3);
    expect(metrics.coverage).toBe(1);
    expect(() =>
      quantileMetrics({ actual: [0.1, 0.2], times: [1, 2], horizon: 1, levels: LEVELS, baseline: [null, null] }, [
        [0, 0, 0],
        [0, 0, 0],
      ]),
    ).toThrow(/fewer than 2 holdout rows/);
  });
});
