import { baselineForecast, BASELINE_VERSION, forecastSummary, nextCloseForecast } from '../../domain/baseline-forecast';
import { EwmaVolatility } from '../../domain/volatility';

describe('EwmaVolatility (RiskMetrics, λ = 0.94)', () => {
  test('is null until 20 returns were seen, then the root mean square of those returns', () => {
    const volatility = new EwmaVolatility();
    // Log returns of exactly 0.01 each.
    for (let i = 0; i <= 19; i++) {
      volatility.add(100 * Math.exp(0.01 * i));
      expect(volatility.value).toBeNull();
    }
    volatility.add(100 * Math.exp(0.01 * 20));
    expect(volatility.value).toBeCloseTo(0.01, 12);
  });

  test('a jump moves the variance by (1 − λ) of its square: √(0.94 · 0.01² + 0.06 · 0.05²) = 0.0156205', () => {
    const volatility = new EwmaVolatility();
    for (let i = 0; i <= 20; i++) volatility.add(100 * Math.exp(0.01 * i));
    volatility.add(100 * Math.exp(0.01 * 20 + 0.05));
    expect(volatility.value).toBeCloseTo(0.0156204993518, 12);
  });
});

describe('baselineForecast', () => {
  test('a random walk: the median is the last close, the range a normal of σ√h in log returns', () => {
    // z(0.9) = 1.2815515655446004 (normal tables); σ√h = 0.01 · √4 = 0.02.
    const forecast = baselineForecast(100, 0.01, 4, [0.1, 0.5, 0.9])!;
    expect(forecast).toMatchObject({ version: BASELINE_VERSION, horizon: 4, levels: [0.1, 0.5, 0.9] });
    expect(forecast.prices[0]).toBeCloseTo(100 * Math.exp(-1.2815515655446004 * 0.02), 9);
    expect(forecast.prices[0]).toBeCloseTo(97.46946550796, 9);
    expect(forecast.prices[1]).toBe(100);
    expect(forecast.prices[2]).toBeCloseTo(102.59623306525, 9);
  });

  test('a wider level gives a wider range: z(0.95) = 1.6448536269514722', () => {
    const { low, median, high, coverage } = forecastSummary(baselineForecast(250, 0.02, 1, [0.05, 0.5, 0.95])!);
    expect(median).toBe(250);
    expect(low).toBeCloseTo(241.9095377504, 9);
    expect(high).toBeCloseTo(258.36104099577, 9);
    expect(coverage).toBeCloseTo(0.9, 12);
  });

  test('no volatility yet, no forecast; a summary needs the median', () => {
    expect(baselineForecast(100, null, 1, [0.1, 0.5, 0.9])).toBeNull();
    expect(() => forecastSummary({ levels: [0.1, 0.9], prices: [99, 101] })).toThrow(/lack the median/);
  });
});

describe('nextCloseForecast', () => {
  const bar = { c: 100, volatility: 0.01 };
  test('the baseline speaks where no model predicted the bar, and says so', () => {
    const forecast = nextCloseForecast(bar, undefined, 4, [0.1, 0.5, 0.9])!;
    expect(forecast).toMatchObject({ by: 'baseline', rangeBy: 'baseline', horizon: 4, median: 100 });
    expect(forecast.low).toBeCloseTo(97.46946550796, 9);
    expect(forecast.coverage).toBeCloseTo(0.8, 12);
  });

  test("the model's median where it predicted the bar, labelled with its version; the baseline's range while the model has none", () => {
    expect(nextCloseForecast(bar, { predictedClose: 101.5, modelVersion: 'v7' }, 4, [0.1, 0.5, 0.9])).toMatchObject({
      by: 'model v7',
      rangeBy: 'baseline',
      median: 101.5,
    });
  });

  test("a quantile model's own range and coverage", () => {
    const prediction = {
      predictedClose: 101,
      modelVersion: 'v8',
      quantileLevels: [0.05, 0.5, 0.95],
      quantileCloses: [95, 101, 108],
    };
    expect(nextCloseForecast(bar, prediction, 4, [0.1, 0.5, 0.9])).toMatchObject({
      by: 'model v8',
      rangeBy: 'model v8',
      median: 101,
      low: 95,
      high: 108,
    });
    expect(nextCloseForecast(bar, prediction, 4, [0.1, 0.5, 0.9])!.coverage).toBeCloseTo(0.9, 12);
  });

  test('nothing before the series has a volatility', () => {
    expect(nextCloseForecast({ c: 100, volatility: null }, undefined, 1, [0.1, 0.5, 0.9])).toBeNull();
    expect(nextCloseForecast({ c: 100 }, { predictedClose: 101, modelVersion: 'v1' }, 1, [0.1, 0.5, 0.9])).toBeNull();
  });
});
