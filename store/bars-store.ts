import type { Bar } from '../domain/market-event';
import type { IndicatorValues } from '../domain/indicators';
import type { Forecast, Prediction } from './predictions-store';
import { SeriesTable } from './series-table';

export interface StoredBar extends Bar, IndicatorValues {
  ticker: string;
  interval: string;
  time: string;
  /** The stream record the bar came from (absent on rows stored before it was kept). */
  seq?: string;
  /** The model in service's forecast made at this bar, once there is one: one item per bar holds both. */
  prediction?: Forecast;
}

/** What an indicator warm-up replays of a stored bar: the bar, and the OBV its run reached. */
export type ReplayInput = Bar & Pick<IndicatorValues, 'obv'>;

const REPLAY_ATTRIBUTES = ['t', 'o', 'h', 'l', 'c', 'v', 'obv'] as const satisfies readonly (keyof ReplayInput)[];
const FORECAST_ATTRIBUTES = ['t', 'prediction'] as const satisfies readonly (keyof StoredBar)[];

/** Forecasts of one model's series, wherever they are kept. */
export interface ForecastReader {
  /** Forecasts made at bars in [from, to], in time order. */
  range(ticker: string, interval: string, from?: number, to?: number): Promise<Prediction[]>;
  /** The newest forecasts before `before`, at most `limit` of them, oldest first. */
  lastBefore(ticker: string, interval: string, before: number, limit: number): Promise<Prediction[]>;
}

/** The forecasts among bars, as predictions (bars without one are left out). */
export function predictionsOf(ticker: string, interval: string, bars: readonly Pick<StoredBar, 't' | 'prediction'>[]) {
  return bars.flatMap((b): Prediction[] => (b.prediction ? [{ ticker, interval, t: b.t, ...b.prediction }] : []));
}

/** Bars with every indicator, and the forecast made at each. */
export class BarsStore extends SeriesTable<StoredBar> {
  /** The `limit` bars before `before`, oldest first, with only what an indicator warm-up replays. */
  replayInputsBefore(ticker: string, interval: string, before: number, limit: number): Promise<ReplayInput[]> {
    return this.newestBefore<ReplayInput>(ticker, interval, before, limit, REPLAY_ATTRIBUTES);
  }

  /**
   * The model in service's forecasts, read from the bars that hold them. `lastBefore` looks at
   * the newest `limit` bars only, so a series with a long unpredicted past is never read whole.
   */
  readonly forecasts: ForecastReader = {
    range: async (ticker, interval, from, to) =>
      predictionsOf(
        ticker,
        interval,
        await this.rangeOf<Pick<StoredBar, 't' | 'prediction'>>(ticker, interval, from, to, FORECAST_ATTRIBUTES),
      ),
    lastBefore: async (ticker, interval, before, limit) =>
      predictionsOf(
        ticker,
        interval,
        await this.newestBefore<Pick<StoredBar, 't' | 'prediction'>>(
          ticker,
          interval,
          before,
          limit,
          FORECAST_ATTRIBUTES,
        ),
      ),
  };
}
