import { predictionsOf } from '../../store/bars-store';
import { forecastOf, type Prediction } from '../../store/predictions-store';

const prediction: Prediction = {
  ticker: 'AAPL',
  interval: '1h',
  t: 3_600_000,
  horizon: 4,
  predictedReturn: 0.01,
  predictedClose: 101.005,
  quantileLevels: [0.1, 0.5, 0.9],
  quantileCloses: [99, 101.005, 103],
  modelVersion: 'v20260101-000000',
  predictedAt: 3_700_000,
};

describe('a forecast kept in its bar’s item', () => {
  it('drops the series and time the item already has, and comes back whole', () => {
    const forecast = forecastOf(prediction);
    expect(forecast).not.toHaveProperty('ticker');
    expect(forecast).not.toHaveProperty('t');
    expect(predictionsOf('AAPL', '1h', [{ t: prediction.t, prediction: forecast }])).toEqual([prediction]);
  });

  it('leaves out bars without a forecast (stored while the endpoint was down, or of another interval)', () => {
    const forecast = forecastOf(prediction);
    const bars = [{ t: 1 }, { t: prediction.t, prediction: forecast }, { t: 7_200_000 }];
    expect(predictionsOf('AAPL', '1h', bars).map((p) => p.t)).toEqual([prediction.t]);
  });
});
