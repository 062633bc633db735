import { seriesKey } from '../domain/series-key';
import { SeriesTable } from './series-table';

/** The model's forecast made at one bar: the return and price `horizon` bars later, with a quantile model's range. */
export interface Prediction {
  ticker: string;
  interval: string;
  /** Time of the bar the prediction was made at (epoch ms). */
  t: number;
  horizon: number;
  predictedReturn: number;
  /** The close the forecast return implies: a quantile model's median. */
  predictedClose: number;
  /** A quantile model's levels, ascending, and the close implied at each. */
  quantileLevels?: number[];
  quantileCloses?: number[];
  modelVersion: string;
  predictedAt: number;
}

export class PredictionsStore extends SeriesTable<Prediction> {
  /** The challenger's forecasts: the same table, apart from what the dashboard and alerts read (`<series>@<version>`). */
  ofChallenger(version: string): PredictionsStore {
    return new PredictionsStore(
      this.documents,
      this.table,
      (ticker, interval) => `${seriesKey(ticker, interval)}@${version}`,
    );
  }
}
