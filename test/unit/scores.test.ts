import { dieboldMarianoTest, perTimeMeans } from '../../domain/scores/diebold-mariano';
import { intervalCoverage } from '../../domain/scores/interval-coverage';
import { intervalScore } from '../../domain/scores/interval-score';
import { pesaranTimmermann } from '../../domain/scores/pesaran-timmermann';
import { pinballLoss } from '../../domain/scores/pinball-loss';

// Expected values are worked by hand where short, else computed independently with SciPy 1.17.1
// (scipy.stats.binom, t, norm) from the textbook formulas cited in each unit.

describe('pinballLoss', () => {
  const actual = [1, 2, 3, 4];
  const forecast = [1.5, 1.5, 3.5, 3];
  test('at τ = 0.5 it is half the mean absolute error: (0.25 + 0.25 + 0.25 + 0.5) / 4', () => {
    expect(pinballLoss(actual, forecast, 0.5)).toBeCloseTo(0.3125, 15);
  });
  test('a low quantile is punished for being above the actual value, a high one for being below', () => {
    expect(pinballLoss(actual, forecast, 0.1)).toBeCloseTo(0.2625, 15);
    expect(pinballLoss(actual, forecast, 0.9)).toBeCloseTo(0.3625, 15);
  });
  test('rejects mismatched rows and levels outside (0, 1)', () => {
    expect(() => pinballLoss([1], [1, 2], 0.5)).toThrow(/1 actual values but 2 forecasts/);
    expect(() => pinballLoss([1], [1], 1)).toThrow(/not between 0 and 1/);
  });
});

describe('intervalCoverage', () => {
  test('counts the actual values inside, bounds included', () => {
    const result = intervalCoverage([1, 2, 3, 5], [0, 2, 4, 4], [2, 3, 5, 5], 0.8);
    expect(result).toMatchObject({ rows: 4, inside: 3, coverage: 0.75, nominal: 0.8 });
  });
  test('70 of 100 inside an 80 % interval: exact two-sided binomial p = 0.0225 (SciPy)', () => {
    const actual = Array.from({ length: 100 }, (_, i) => (i < 70 ? 0 : 10));
    const result = intervalCoverage(
      actual,
      actual.map(() => -1),
      actual.map(() => 1),
      0.8,
    );
    expect(result.coverage).toBe(0.7);
    expect(result.pValue).toBeCloseTo(0.022497957441983327, 10);
  });
  test('exactly the nominal coverage is no evidence against it', () => {
    const actual = Array.from({ length: 100 }, (_, i) => (i < 80 ? 0 : 10));
    expect(
      intervalCoverage(
        actual,
        actual.map(() => -1),
        actual.map(() => 1),
        0.8,
      ).pValue,
    ).toBe(1);
  });
});

describe('intervalScore (Winkler)', () => {
  test('width plus 2/α times each miss: (2 + 5.5 + 10.5 + 0.5) / 4 at α = 0.2', () => {
    expect(intervalScore([1, 2, 1, 3.2], [0, 1, 2, 3], [2, 1.5, 2.5, 3.5], 0.2)).toBeCloseTo(4.625, 12);
  });
});

describe('dieboldMarianoTest', () => {
  const differentials = [0.5, -0.2, 0.3, 0.8, -0.1, 0.4, 0.6, -0.3, 0.2, 0.7];
  test('horizon 2: Newey–West over one lag, the HLN correction, and t(9) (SciPy)', () => {
    const result = dieboldMarianoTest(differentials, 2);
    expect(result.n).toBe(10);
    expect(result.statistic).toBeCloseTo(3.141981971650578, 10);
    expect(result.corrected).toBeCloseTo(2.666060110224003, 10);
    expect(result.pValue).toBeCloseTo(0.01289420571577835, 8);
  });
  test('a worse candidate gets a large p-value', () => {
    expect(
      dieboldMarianoTest(
        differentials.map((d) => -d),
        2,
      ).pValue,
    ).toBeCloseTo(1 - 0.01289420571577835, 8);
  });
  test('rows of one time count once, in time order', () => {
    expect(perTimeMeans([1, 3, 10, 5], [2, 2, 1, 3])).toEqual([10, 2, 5]);
  });
});

describe('pesaranTimmermann', () => {
  test('9 hits of 12 against 0.528 expected by independent guessing: PT 1.730, p 0.0418 (SciPy)', () => {
    const actual = [0.1, -0.2, 0.3, 0.05, -0.1, 0.2, -0.3, 0.4, 0.1, -0.05, 0.2, 0.3];
    const forecast = [0.2, -0.1, 0.1, -0.02, -0.3, 0.1, 0.05, 0.2, 0.3, -0.1, -0.2, 0.1];
    const result = pesaranTimmermann(actual, forecast);
    expect(result.hitRate).toBe(0.75);
    expect(result.expectedHitRate).toBeCloseTo(0.5277777777777778, 12);
    expect(result.statistic).toBeCloseTo(1.729799928375473, 10);
    expect(result.pValue).toBeCloseTo(0.04183301363006004, 10);
  });
  test('forecasts all one way have nothing to test', () => {
    expect(pesaranTimmermann([1, -1, 1], [1, 1, 1])).toMatchObject({ statistic: 0, pValue: 0.5 });
  });
});
