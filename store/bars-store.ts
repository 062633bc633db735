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

/** What an indicator warm-up replays of a stored bar: the bar, and the OBV its run reached. */
export type ReplayInput = Bar & Pick<IndicatorValues, 'obv'>;

const REPLAY_ATTRIBUTES = ['t', 'o', 'h', 'l', 'c', 'v', 'obv'] as const satisfies readonly (keyof ReplayInput)[];

/** Bars with every indicator. */
export class BarsStore extends SeriesTable<StoredBar> {
  /** The `limit` bars before `before`, oldest first, with only what an indicator warm-up replays. */
  replayInputsBefore(ticker: string, interval: string, before: number, limit: number): Promise<ReplayInput[]> {
    return this.newestBefore<ReplayInput>(ticker, interval, before, limit, REPLAY_ATTRIBUTES);
  }
}
