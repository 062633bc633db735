import type { Bar } from '../domain/market-event';
import type { IndicatorValues } from '../domain/indicators';
import { SeriesTable } from './series-table';

export interface StoredBar extends Bar, IndicatorValues {
  ticker: string;
  interval: string;
  time: string;
  /** The stream record the bar came from (absent on rows stored before it was kept). */
  seq?: string;
}

/** Bars with every indicator; `lastBefore` is the history an indicator warm-up replays. */
export class BarsStore extends SeriesTable<StoredBar> {}
