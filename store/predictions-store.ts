import { SeriesTable } from './series-table';

/** The model's forecast made at one bar: the return and price `horizon` bars later. */
export interface Prediction {
  ticker: string;
  interval: string;
  /** Time of the bar the prediction was made at (epoch ms). */
  t: number;
  horizon: number;
  predictedReturn: number;
  predictedClose: number;
  modelVersion: string;
  predictedAt: number;
}

export class PredictionsStore extends SeriesTable<Prediction> {}
