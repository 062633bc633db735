import { perTickerScores, type Holdout } from '../../domain/holdout-scores';

/**
 * Three tickers interleaved as the dataset export writes them (by time). Hand-computed:
 * - A: actual 0.01, −0.02, 0.03 against medians 0.005, −0.01, 0 → MAE 0.015 vs the random
 *   walk's 0.02 (ratio 0.75), direction right twice of three; its ±0.015 range holds 0.01 and
 *   −0.02 but not 0.03 → coverage 2/3;
 * - B: actual 0.02, −0.01 against −0.01, −0.01 → MAE 0.015 vs 0.015 (ratio 1), hit rate 1/2;
 *   one of its rows has no volatility yet, so no range scores;
 * - C: one row, no verdict.
 */
const holdout: Holdout = {
  tickers: ['A', 'B', 'C', 'A', 'B', 'A'],
  actual: [0.01, 0.02, 0.05, -0.02, -0.01, 0.03],
  times: [1, 1, 1, 2, 2, 3],
  volatility: [0.02, null, 0.02, 0.02, 0.02, 0.02],
  horizon: 1,
  trainingNaiveMae: 0.02,
};
const median = [0.005, -0.01, 0, -0.01, -0.01, 0];
const answer = {
  median,
  quantiles: { levels: [0.1, 0.5, 0.9], values: median.map((m) => [m - 0.015, m, m + 0.015]) },
};

describe('perTickerScores', () => {
  const scores = perTickerScores(holdout, answer);

  test('scores each ticker with two rows or more, most rows first, up to the limit', () => {
    expect(scores.map((s) => [s.ticker, s.rows])).toEqual([
      ['A', 3],
      ['B', 2],
    ]);
    expect(perTickerScores(holdout, answer, 1).map((s) => s.ticker)).toEqual(['A']);
  });

  test("matches the hand-computed median and range scores of each ticker's own rows", () => {
    const [a, b] = scores;
    expect(a!.maeRatio).toBeCloseTo(0.75, 12);
    expect(a!.hitRate).toBeCloseTo(2 / 3, 12);
    expect(a!.coverage).toBeCloseTo(2 / 3, 12);
    expect(a!.coverageNominal).toBeCloseTo(0.8, 12);
    expect(b!.maeRatio).toBeCloseTo(1, 12);
    expect(b!.hitRate).toBe(0.5);
    expect(b).toMatchObject({ pinballRatio: null, coverage: null, dmPinballPValue: null });
  });

  test('a price that never moved has no MAE ratio (the random walk made no error), not NaN', () => {
    const flat = perTickerScores(
      { ...holdout, tickers: ['F', 'F'], actual: [0, 0], times: [1, 2], volatility: [0.01, 0.01] },
      { median: [0.001, -0.001] },
    );
    expect(flat).toEqual([expect.objectContaining({ ticker: 'F', rows: 2, maeRatio: null })]);
  });

  test("A's pinball loss against the baseline's, by hand", () => {
    // Pinball at level τ: max(τ(y − q), (τ − 1)(y − q)), averaged over rows, then levels.
    // Model (m − 0.015, m, m + 0.015): 0.0051667. Baseline (0, ±1.2815516 × 0.02): 0.0055275.
    expect(scores[0]!.pinballRatio).toBeCloseTo(0.005166666666666667 / 0.005527509719515911, 10);
  });
});
