import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SeriesLiveProgress } from '../domain/live-scores';
import { seriesKey } from '../domain/series-key';
import { getAll } from './batch-get';
import { putAll } from './batch-write';

type SeriesRef = { ticker: string; interval: string };

/**
 * How far live scoring of each model has got in each series: one item per model and series
 * (`live#<version>#<series>`, t = 0) in the predictions table, beside the forecasts it scores.
 * Not in the registry's table, whose listings scan it: 8,000 series a model would slow them.
 */
export class LiveScoringStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Each series' progress for `version` (absent: not started), keyed by series. */
  async progress(version: string, series: readonly SeriesRef[]): Promise<Map<string, SeriesLiveProgress>> {
    const items = await getAll<SeriesLiveProgress & SeriesRef>(
      this.documents,
      this.table,
      series.map((s) => ({ pk: key(version, s), t: 0 })),
    );
    return new Map(
      items.map(({ ticker, interval, through, newestScored, tally }) => [
        seriesKey(ticker, interval),
        { through, newestScored, tally },
      ]),
    );
  }

  /** Each item holds one series' watermark and tally together, so a pass that dies half-way counts nothing twice. */
  async put(version: string, progress: ReadonlyArray<SeriesRef & { progress: SeriesLiveProgress }>): Promise<void> {
    await putAll(
      this.documents,
      this.table,
      progress.map(({ ticker, interval, progress: p }) => ({
        pk: key(version, { ticker, interval }),
        t: 0,
        version,
        ticker,
        interval,
        ...p,
      })),
    );
  }
}

const key = (version: string, { ticker, interval }: SeriesRef) => `live#${version}#${seriesKey(ticker, interval)}`;
