import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { seriesKey } from '../domain/series-key';
import { SeriesTable } from './series-table';

/** The model's forecast made at one bar: the return and price `horizon` bars later, with a quantile model's range. */
export interface Forecast {
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

/** A forecast with the series and bar time (epoch ms) it was made at. */
export interface Prediction extends Forecast {
  ticker: string;
  interval: string;
  t: number;
}

/** Splits a prediction into the bar it belongs to and what the bar's item keeps of it. */
export function forecastOf({ ticker: _ticker, interval: _interval, t: _t, ...forecast }: Prediction): Forecast {
  return forecast;
}

/**
 * A challenger's forecasts, in the predictions table under `<series>@<version>`: kept apart from
 * the champion's, which are part of their bars' items (what the dashboard and alerts read).
 */
export function challengerForecasts(
  documents: DynamoDBDocumentClient,
  table: string,
  version: string,
): SeriesTable<Prediction> {
  return new SeriesTable<Prediction>(
    documents,
    table,
    (ticker, interval) => `${seriesKey(ticker, interval)}@${version}`,
  );
}
