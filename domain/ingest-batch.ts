// Imported by workflow code: keep this module free of I/O, clocks and heavy dependencies.
import type { Bar } from './market-event';

/** A bar on its way through ingestion, with where and when it entered the stream. */
export interface IngestBar extends Bar {
  seq: string;
  arrivedAt: number;
}

/** One ticker's bars from one read of one shard. Its id names the shard and sequence range. */
export interface BarBatch {
  batchId: string;
  bars: IngestBar[];
}

/** A batch id is "<shardId>:<first sequence>-<last sequence>": enough to read the batch again from the stream. */
export function batchIdOf(shardId: string, firstSeq: string, lastSeq: string): string {
  return `${shardId}:${firstSeq}-${lastSeq}`;
}

export function parseBatchId(batchId: string): { shardId: string; firstSeq: string; lastSeq: string } | undefined {
  const match = /^([^:]+):(\d+)-(\d+)$/.exec(batchId);
  return match ? { shardId: match[1]!, firstSeq: match[2]!, lastSeq: match[3]! } : undefined;
}

/**
 * Keeps the bars newer than everything already processed, in order. Older or equal bar times
 * are redeliveries (a re-read after a crash, a producer retry) and are counted, not reprocessed.
 */
export function selectNewBars(bars: readonly IngestBar[], lastBarTime: number | null): { fresh: IngestBar[]; duplicates: number } {
  const fresh: IngestBar[] = [];
  let newest = lastBarTime ?? Number.NEGATIVE_INFINITY;
  for (const bar of bars) {
    if (bar.t > newest) {
      fresh.push(bar);
      newest = bar.t;
    }
  }
  return { fresh, duplicates: bars.length - fresh.length };
}

/** Takes whole batches off the front of the queue until `maxBars` would be exceeded (always at least one). */
export function takeBatches(queue: BarBatch[], maxBars: number): BarBatch[] {
  const taken: BarBatch[] = [];
  let count = 0;
  while (queue.length > 0 && (taken.length === 0 || count + queue[0]!.bars.length <= maxBars)) {
    const batch = queue.shift()!;
    taken.push(batch);
    count += batch.bars.length;
  }
  return taken;
}
