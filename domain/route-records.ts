import { parseMarketEvent, toBar, type BarInterval } from './market-event';
import { seriesKey } from './series-key';
import { batchIdOf, type BarBatch, type IngestBar } from './ingest-batch';

export interface StreamRecordIn {
  seq: string;
  partitionKey: string;
  data: Uint8Array;
  arrivedAt: number;
}

export interface RejectedRecord {
  seq: string;
  partitionKey: string;
  reason: string;
  raw: string;
  arrivedAt: number;
}

export interface SeriesBatch {
  ticker: string;
  interval: BarInterval;
  batch: BarBatch;
}

/**
 * Splits one shard read into per-ticker batches (stream order kept) and rejected records.
 * A record whose partition key is not its ticker is rejected too: per-ticker ordering rests
 * on every bar of a ticker travelling through the same shard.
 */
export function routeRecords(
  shardId: string,
  records: readonly StreamRecordIn[],
  maxBarsPerBatch: number,
  /** The reason a valid series is refused (an offboarded ticker), or undefined to accept it. */
  refuse: (ticker: string, interval: BarInterval) => string | undefined = () => undefined,
): { batches: SeriesBatch[]; rejected: RejectedRecord[] } {
  const series = new Map<string, { ticker: string; interval: BarInterval; bars: IngestBar[] }>();
  const rejected: RejectedRecord[] = [];
  for (const record of records) {
    const parsed = parseMarketEvent(record.data);
    const reason = !parsed.ok
      ? parsed.reason
      : parsed.event.ticker !== record.partitionKey
        ? `partition key ${JSON.stringify(record.partitionKey)} does not match ticker ${parsed.event.ticker}`
        : refuse(parsed.event.ticker, parsed.event.interval);
    if (reason !== undefined || !parsed.ok) {
      rejected.push({
        seq: record.seq,
        partitionKey: record.partitionKey,
        reason: reason ?? 'invalid',
        raw: Buffer.from(record.data).toString('utf8'),
        arrivedAt: record.arrivedAt,
      });
      continue;
    }
    const { ticker, interval } = parsed.event;
    const key = seriesKey(ticker, interval);
    let entry = series.get(key);
    if (!entry) series.set(key, (entry = { ticker, interval, bars: [] }));
    entry.bars.push({ ...toBar(parsed.event), seq: record.seq, arrivedAt: record.arrivedAt });
  }
  const batches: SeriesBatch[] = [];
  for (const { ticker, interval, bars } of series.values()) {
    for (let i = 0; i < bars.length; i += maxBarsPerBatch) {
      const slice = bars.slice(i, i + maxBarsPerBatch);
      batches.push({
        ticker,
        interval,
        batch: { batchId: batchIdOf(shardId, slice[0]!.seq, slice[slice.length - 1]!.seq), bars: slice },
      });
    }
  }
  return { batches, rejected };
}
