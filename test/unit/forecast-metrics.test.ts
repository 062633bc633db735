import { decidePromotion, forecastMetrics, naiveMae } from '../../domain/forecast-metrics';

describe('forecastMetrics', () => {
  const actual = [0.01, -0.02, 0.03, -0.01, 0.02];

  test('the random walk itself scores ratio 1 and MASE against its own in-sample error', () => {
    const m = forecastMetrics(actual, actual.map(() => 0), 0.018);
    expect(m.maeRatio).toBe(1);
    expect(m.rmseRatio).toBe(1);
    expect(m.mae).toBeCloseTo(0.018, 15);
    expect(m.mase).toBeCloseTo(1, 12);
    expect(m.rankIc).toBe(0);
  });

  test('a perfect forecast: zero error, every direction right, rank IC 1', () => {
    const m = forecastMetrics(actual, actual, 0.02);
    expect(m).toMatchObject({ mae: 0, rmse: 0, maeRatio: 0, rmseRatio: 0, hitRate: 1, upRate: 0.6, rankIc: 1 });
  });

  test('hand-computed values for a small forecast', () => {
    const predicted = [0.02, 0.01, 0.01, -0.02, 0];
    const m = forecastMetrics(actual, predicted, 0.01);
    const errors = [0.01, 0.03, 0.02, 0.01, 0.02];
    expect(m.mae).toBeCloseTo(0.018, 15);
    expect(m.rmse).toBeCloseTo(Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / 5), 15);
    expect(m.maeRatio).toBeCloseTo(0.018 / 0.018, 12);
    expect(m.hitRate).toBe(3 / 5);
    // Ranks: predicted [5, 3.5, 3.5, 1, 2] vs actual [3, 1, 5, 2, 4]: covariance 1, variances 9.5 and 10.
    expect(m.rankIc).toBeCloseTo(1 / Math.sqrt(95), 12);
  });

  test('mismatched lengths and too few rows are refused', () => {
    expect(() => forecastMetrics([1, 2], [1], 1)).toThrow(/2 actual values but 1/);
    expect(() => forecastMetrics([1], [1], 1)).toThrow(/at least 2/);
    expect(() => naiveMae([])).toThrow(/no training targets/);
  });
});

describe('decidePromotion', () => {
  const metrics = (mae: number, maeRatio: number, rmseRatio = maeRatio) =>
    ({ rows: 10, mae, rmse: mae, maeRatio, rmseRatio, mase: 1, hitRate: 0.5, upRate: 0.5, rankIc: 0 });

  test('a first model must beat the random walk on MAE and RMSE', () => {
    expect(decidePromotion(metrics(0.01, 0.98), null)).toMatchObject({ promote: true });
    expect(decidePromotion(metrics(0.01, 1.0), null)).toMatchObject({ promote: false, reason: expect.stringMatching(/random walk/) });
    expect(decidePromotion(metrics(0.01, 0.9, 1.01), null)).toMatchObject({ promote: false });
  });

  test('a later model must also beat the one in service on the same holdout', () => {
    const incumbent = { version: 'v1', metrics: metrics(0.010, 0.95) };
    expect(decidePromotion(metrics(0.009, 0.9), incumbent)).toMatchObject({ promote: true, reason: expect.stringMatching(/v1/) });
    expect(decidePromotion(metrics(0.010, 0.95), incumbent)).toMatchObject({ promote: false, reason: expect.stringMatching(/not below v1/) });
  });
});
