import { decidePromotion, dieboldMariano, DM_CRITICAL, forecastMetrics, naiveMae } from '../../domain/forecast-metrics';

describe('forecastMetrics', () => {
  const actual = [0.01, -0.02, 0.03, -0.01, 0.02];

  test('the random walk itself scores ratio 1 and MASE against its own in-sample error', () => {
    const m = forecastMetrics(
      actual,
      actual.map(() => 0),
      0.018,
    );
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

describe('dieboldMariano', () => {
  // Deterministic noise: a fixed pseudo-random sequence (LCG), so the figures below are exact.
  const noise = (n: number, seed: number) => {
    let x = seed;
    return Array.from({ length: n }, () => ((x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.02);
  };
  const actual = noise(400, 1);

  test('hand-computed: d = |a| − |a − p| per row, mean over its standard error', () => {
    // d = [0.01, 0.005, 0.01, 0]: mean 0.00625, squared deviations sum to 68.75e-6, n = 4.
    const stat = dieboldMariano([0.02, 0.01, -0.03, 0.01], [0.01, 0.005, -0.01, 0], [1, 2, 3, 4]);
    expect(stat).toBeCloseTo(0.00625 / Math.sqrt(68.75e-6 / 4 / 4), 9);
  });

  test('a constant tiny drift edges out the random walk on both ratios, but not beyond chance; a model that knows part of the move does', () => {
    const drift = forecastMetrics(
      actual,
      actual.map(() => 1e-4),
      0.01,
    );
    expect(drift.maeRatio).toBeLessThan(1);
    expect(drift.rmseRatio).toBeLessThan(1);
    expect(drift.dmStat).toBeLessThan(DM_CRITICAL);
    expect(decidePromotion(drift, null).promote).toBe(false);
    const informed = actual.map((a) => 0.3 * a);
    expect(
      dieboldMariano(
        actual,
        informed,
        actual.map((_, i) => i),
      ),
    ).toBeGreaterThan(DM_CRITICAL);
  });

  test('rows of one bar time count once: copying every row across 10 tickers adds no evidence', () => {
    const predicted = actual.map((a, i) => (i % 3 === 0 ? 0.5 * a : -0.2 * a));
    const times = actual.map((_, i) => i);
    const single = dieboldMariano(actual, predicted, times);
    const tenTickers = dieboldMariano(
      actual.flatMap((a) => Array(10).fill(a)),
      predicted.flatMap((p) => Array(10).fill(p)),
      times.flatMap((t) => Array(10).fill(t)),
    );
    expect(tenTickers).toBeCloseTo(single, 9);
  });

  test('overlapping targets (horizon > 1) widen the variance when the differentials are autocorrelated', () => {
    const smooth = actual.map((_, i) => 0.001 + 0.004 * Math.sin(i / 5));
    const predicted = actual.map((a, i) => a - Math.sign(a) * Math.max(0, Math.abs(a) - smooth[i]!));
    const times = actual.map((_, i) => i);
    expect(dieboldMariano(actual, predicted, times, 5)).toBeLessThan(dieboldMariano(actual, predicted, times, 1));
  });
});

describe('decidePromotion', () => {
  const metrics = (mae: number, maeRatio: number, rmseRatio = maeRatio, dmStat = 3) => ({
    rows: 10,
    mae,
    rmse: mae,
    maeRatio,
    rmseRatio,
    mase: 1,
    hitRate: 0.5,
    upRate: 0.5,
    rankIc: 0,
    dmStat,
  });

  test('beating the random walk by chance is not enough: Diebold–Mariano must reach the one-sided 5 % level', () => {
    expect(decidePromotion(metrics(0.01, 0.9999, 0.9999, 0.4), null)).toMatchObject({
      promote: false,
      reason: expect.stringMatching(/beyond chance.*0\.40 < 1\.645/),
    });
    expect(decidePromotion(metrics(0.01, 0.99, 0.99, 1.7), null)).toMatchObject({
      promote: true,
      reason: expect.stringMatching(/Diebold–Mariano 1\.70/),
    });
  });

  test('a first model must beat the random walk on MAE and RMSE', () => {
    expect(decidePromotion(metrics(0.01, 0.98), null)).toMatchObject({ promote: true });
    expect(decidePromotion(metrics(0.01, 1.0), null)).toMatchObject({
      promote: false,
      reason: expect.stringMatching(/random walk/),
    });
    expect(decidePromotion(metrics(0.01, 0.9, 1.01), null)).toMatchObject({ promote: false });
  });

  test('a later model must also beat the one in service on the same holdout', () => {
    const incumbent = { version: 'v1', metrics: metrics(0.01, 0.95) };
    expect(decidePromotion(metrics(0.009, 0.9), incumbent)).toMatchObject({
      promote: true,
      reason: expect.stringMatching(/v1/),
    });
    expect(decidePromotion(metrics(0.01, 0.95), incumbent)).toMatchObject({
      promote: false,
      reason: expect.stringMatching(/not below v1/),
    });
  });
});

describe('decidePromotion for a quantile model', () => {
  const point = {
    rows: 500,
    mae: 0.01,
    rmse: 0.012,
    maeRatio: 0.998,
    rmseRatio: 0.999,
    mase: 1,
    hitRate: 0.51,
    upRate: 0.52,
    rankIc: 0.01,
    dmStat: 0.4,
    dmPValue: 0.34,
  };
  const quantiles = {
    quantileRows: 480,
    pinball: 0.004,
    pinballRatio: 0.95,
    coverage: 0.79,
    coverageNominal: 0.8,
    coveragePValue: 0.6,
    widthRatio: 0.97,
    intervalScoreRatio: 0.95,
    dmPinball: 2.3,
    dmPinballPValue: 0.011,
  };
  const candidate = (change: Partial<typeof quantiles> = {}) => ({ ...point, ...quantiles, ...change });

  test('beats the baseline beyond chance with coverage near nominal: promoted, and the median without skill is said in plain words', () => {
    const decision = decidePromotion(candidate(), null);
    expect(decision.promote).toBe(true);
    expect(decision.reason).toMatch(
      /quantiles beat the baseline's \(pinball ratio 0\.9500, Diebold–Mariano p 0\.011; coverage 79\.0 % of nominal 80\.0 %\)/,
    );
    expect(decision.reason).toMatch(
      /median has no skill over the random walk \(MAE ratio 0\.9980, Diebold–Mariano p 0\.340\): read the range, not the point/,
    );
  });

  test('a lower pinball loss within chance is not enough (one-sided p must be ≤ 0.05)', () => {
    expect(decidePromotion(candidate({ dmPinballPValue: 0.06 }), null)).toMatchObject({
      promote: false,
      reason: expect.stringMatching(/do not beat the baseline's beyond chance .*p 0\.060 > 0\.05/),
    });
    expect(decidePromotion(candidate({ pinballRatio: 1.01, dmPinballPValue: 0.9 }), null).promote).toBe(false);
  });

  test('coverage more than 5 points from nominal is refused, either way', () => {
    expect(decidePromotion(candidate({ coverage: 0.74 }), null)).toMatchObject({
      promote: false,
      reason: expect.stringMatching(/80\.0 % interval covered 74\.0 %.*more than 5 points off/),
    });
    expect(decidePromotion(candidate({ coverage: 0.86 }), null).promote).toBe(false);
    expect(decidePromotion(candidate({ coverage: 0.84 }), null).promote).toBe(true);
  });

  test('it must also beat the model in service: on pinball loss, or on the median against a model without quantiles', () => {
    expect(decidePromotion(candidate(), { version: 'v1', metrics: candidate({ pinball: 0.0039 }) })).toMatchObject({
      promote: false,
      reason: expect.stringMatching(/not below v1's 0\.0039/),
    });
    expect(decidePromotion(candidate(), { version: 'v1', metrics: candidate({ pinball: 0.0041 }) })).toMatchObject({
      promote: true,
      reason: expect.stringMatching(/and v1 \(pinball 0\.0040 < 0\.0041\)/),
    });
    expect(decidePromotion(candidate(), { version: 'v0', metrics: { ...point, mae: 0.009 } })).toMatchObject({
      promote: false,
      reason: expect.stringMatching(/median's MAE 0\.0100 is not below v0's 0\.0090/),
    });
  });

  test("the model in service's live record counts: one doing worse than the baseline live need not be beaten on the holdout", () => {
    const better = { version: 'v1', metrics: candidate({ pinball: 0.0039 }) };
    const live = { bars: 100, pinballRatio: 1.08, maeRatio: 1.01 };
    expect(decidePromotion(candidate(), { ...better, live: { ...live, worseThanBaseline: true } })).toMatchObject({
      promote: true,
      reason: expect.stringMatching(
        /and replaces v1, which did worse than the baseline over its last 100 live forecasts \(pinball ratio 1\.0800\)/,
      ),
    });
    // A good live record changes nothing: the holdout comparison stands.
    expect(decidePromotion(candidate(), { ...better, live: { ...live, worseThanBaseline: false } }).promote).toBe(
      false,
    );
    // The baseline still has to be beaten, whatever the model in service does.
    expect(
      decidePromotion(candidate({ dmPinballPValue: 0.2 }), { ...better, live: { ...live, worseThanBaseline: true } })
        .promote,
    ).toBe(false);
  });

  test('a median that beats the random walk beyond chance is said so', () => {
    expect(decidePromotion({ ...candidate(), maeRatio: 0.97, dmPValue: 0.01 }, null).reason).toMatch(
      /its median beats the random walk \(MAE ratio 0\.9700, Diebold–Mariano p 0\.010\)$/,
    );
  });
});

describe('forecastMetrics tests against the random walk', () => {
  test('carries the HLN-corrected Diebold–Mariano p-value and Pesaran–Timmermann', () => {
    const actual = [0.1, -0.2, 0.3, 0.05, -0.1, 0.2, -0.3, 0.4, 0.1, -0.05, 0.2, 0.3];
    const predicted = [0.2, -0.1, 0.1, -0.02, -0.3, 0.1, 0.05, 0.2, 0.3, -0.1, -0.2, 0.1];
    const m = forecastMetrics(actual, predicted, 0.1);
    // The same rows as the Pesaran–Timmermann unit test (SciPy: PT 1.7298, p 0.0418).
    expect(m.ptStat).toBeCloseTo(1.729799928375473, 10);
    expect(m.ptPValue).toBeCloseTo(0.04183301363006004, 10);
    expect(m.dmPValue).toBeGreaterThan(0);
    expect(m.dmPValue).toBeLessThan(1);
  });
});
