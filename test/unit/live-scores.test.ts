import { advanceLiveScoring, liveScoresOf, worseThanBaseline } from '../../domain/live-scores';

/** Five daily-ish bars; the model's training data ended at t = 1, so t = 2, 3, 4 are live (t = 5 has no outcome yet). */
const closes = [100, 101, 99, 102, 103];
const bars = closes.map((c, i) => ({ t: i + 1, c, volatility: 0.01 }));
const levels = [0.1, 0.5, 0.9];
const prediction = (t: number, median: number, version = 'v1') => ({
  t,
  modelVersion: version,
  predictedReturn: median,
  quantileLevels: levels,
  quantileCloses: [-0.025, median, 0.025].map((r) => closes[t - 1]! * Math.exp(r)),
});
const predictions = [
  prediction(1, 0.05), // in sample: not scored
  prediction(2, 0.01),
  prediction(3, -0.01),
  prediction(4, 0),
  prediction(5, 0.01), // no outcome yet
];

type Model = Parameters<typeof advanceLiveScoring>[2];
/** One pass over every bar from the model's `since`: what the hourly passes add up to. */
const scoreOnce = (model: Model, now: number, alertBars = 0) => {
  const pass = advanceLiveScoring(undefined, { bars, predictions }, model);
  return liveScoresOf([pass.progress], model, now, { rows: pass.rows, alertBars });
};

describe('live scores of the model in service', () => {
  const scores = scoreOnce({ version: 'v1', since: 1, horizon: 1, levels }, Date.UTC(2026, 0, 1));
  const actual = [Math.log(99 / 101), Math.log(102 / 99), Math.log(103 / 102)];
  const median = [0.01, -0.01, 0];

  it('scores only forecasts after the training data whose outcome is known', () => {
    expect(scores).toMatchObject({ rows: 3, since: new Date(1).toISOString(), through: new Date(4).toISOString() });
  });

  it('judges the median against the random walk: MAE ratio and direction (a flat forecast has none)', () => {
    const mae = actual.reduce((s, a, i) => s + Math.abs(a - median[i]!), 0) / 3;
    const randomWalk = actual.reduce((s, a) => s + Math.abs(a), 0) / 3;
    expect(scores.maeRatio).toBeCloseTo(mae / randomWalk, 12);
    expect(scores.hitRate).toBe(0); // t = 2 and 3 called the wrong direction; t = 4 called none
  });

  it('judges the range against the baseline on the same rows: pinball ratio and coverage', () => {
    // Hand-computed: pinball(u, τ) = max(τu, (τ − 1)u); the baseline is N(0, 0.01²) at 10/50/90 %.
    const z = 1.2815515655446004;
    const pinball = (u: number, level: number) => Math.max(level * u, (level - 1) * u);
    const loss = (quantiles: (i: number) => number[]) =>
      actual.reduce((s, a, i) => s + levels.reduce((t, level, k) => t + pinball(a - quantiles(i)[k]!, level), 0), 0);
    const model = loss((i) => [-0.025, median[i]!, 0.025]);
    const baseline = loss(() => [-0.01 * z, 0, 0.01 * z]);
    expect(scores.pinballRatio).toBeCloseTo(model / baseline, 9);
    expect(scores.coverage).toBeCloseTo(2 / 3, 12); // t = 3's return (+3.0 %) is outside [−2.5 %, +2.5 %]
    expect(scores.coverageNominal).toBeCloseTo(0.8, 12);
  });

  it("ignores another version's forecasts, and says null where nothing is known yet", () => {
    const other = scoreOnce({ version: 'v0', since: 1, horizon: 1, levels }, 0);
    expect(other).toMatchObject({ rows: 0, through: null, maeRatio: null, hitRate: null, pinballRatio: null });
  });
});

describe('the model-in-service alert', () => {
  it('scores the newest forecasts apart, for the alert: MAE and pinball over them, and the verdict', () => {
    const { recent } = scoreOnce({ version: 'v1', since: 1, horizon: 1, levels }, 0, 2);
    // The newest two scored forecasts: t = 3 and t = 4.
    const [a3, a4] = [Math.log(102 / 99), Math.log(103 / 102)];
    expect(recent!.rows).toBe(2);
    expect(recent!.maeRatio).toBeCloseTo((Math.abs(a3 + 0.01) + Math.abs(a4 - 0)) / (Math.abs(a3) + Math.abs(a4)), 12);
    expect(recent!.worseThanBaseline).toBe(recent!.pinballRatio! > 1);
    expect(recent).toMatchObject({ bars: 2 });
    // Without alertBars there is no separate window.
    expect(scoreOnce({ version: 'v1', since: 1, horizon: 1, levels }, 0).recent).toBeUndefined();
  });

  it('fires on a range worse than the baseline over a full window, or a point model worse than the random walk', () => {
    expect(worseThanBaseline({ rows: 100, pinballRatio: 1.02, maeRatio: 0.9 }, 100)).toBe(true);
    expect(worseThanBaseline({ rows: 100, pinballRatio: 0.98, maeRatio: 1.5 }, 100)).toBe(false); // the range is what it serves
    expect(worseThanBaseline({ rows: 100, pinballRatio: null, maeRatio: 1.01 }, 100)).toBe(true);
    expect(worseThanBaseline({ rows: 99, pinballRatio: 2, maeRatio: 2 }, 100)).toBe(false); // too few forecasts yet
    expect(worseThanBaseline({ rows: 0, pinballRatio: null, maeRatio: null }, 0)).toBe(false);
  });
});

describe('live scoring pass by pass', () => {
  const model = { version: 'v1', since: 1, horizon: 1, levels };
  const upTo = (t: number) => ({
    bars: bars.filter((b) => b.t <= t),
    predictions: predictions.filter((p) => p.t <= t),
  });

  it('adds up, over passes that each read only what is new, to the scores of one pass over everything', () => {
    const first = advanceLiveScoring(undefined, upTo(3), model);
    expect(first.progress).toMatchObject({ through: 2, newestScored: 2 }); // t = 3 waits for its outcome
    const after = first.progress.through;
    const rest = { bars: bars.filter((b) => b.t > after), predictions: predictions.filter((p) => p.t > after) };
    const second = advanceLiveScoring(first.progress, rest, model);
    expect(second.rows.map((r) => r.t)).toEqual([3, 4]);
    const byPasses = liveScoresOf([second.progress], model, 0);
    const atOnce = scoreOnce(model, 0);
    // Equal up to the order of floating-point sums.
    const close = (scores: typeof atOnce) =>
      Object.fromEntries(
        Object.entries(scores).map(([k, v]) => [k, typeof v === 'number' ? expect.closeTo(v, 12) : v]),
      );
    expect(byPasses).toEqual(close(atOnce));
  });

  it('stops at a bar with no forecast yet (the catch-up will fill it), and scores it once it has one', () => {
    const gap = { bars, predictions: predictions.filter((p) => p.t !== 3) };
    const first = advanceLiveScoring(undefined, gap, model);
    expect(first.progress).toMatchObject({ through: 2, newestScored: 2, tally: { rows: 1 } });
    const filled = advanceLiveScoring(first.progress, upTo(5), model);
    expect(filled.progress).toMatchObject({ through: 4, newestScored: 4, tally: { rows: 3 } });
  });

  it("passes over another version's forecasts without scoring them", () => {
    const mixed = predictions.map((p) => (p.t === 3 ? { ...p, modelVersion: 'v0' } : p));
    const { progress, rows } = advanceLiveScoring(undefined, { bars, predictions: mixed }, model);
    expect(rows.map((r) => r.t)).toEqual([2, 4]);
    expect(progress.through).toBe(4);
  });
});
