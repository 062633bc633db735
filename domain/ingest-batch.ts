// Imported by workflow code: keep this module free of I/O, clocks and heavy dependencies.
import type { Bar } from './market-event';
import { compareSequence } from './sequence';

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

export interface NewBars {
  fresh: IngestBar[];
  /** Records re-sent by a producer: a new stream record for a bar time already processed. */
  duplicates: number;
  /** Records handed over again (a shard read retried after a crash): sequence numbers already seen. */
  redelivered: number;
  /** The highest sequence number among the bars, or the one given. */
  lastSeq: string | null;
}

/**
 * Keeps the bars newer than everything already processed, in order, and tells apart the two
 * kinds of repeat it drops: a record seen before (its sequence number is not above `lastSeq`;
 * a series lives in one shard, where a key's sequence numbers only grow) and a new record for
 * an old bar time (a producer retry).
 */
export function selectNewBars(
  bars: readonly IngestBar[],
  lastBarTime: number | null,
  lastSeq: string | null = null,
): NewBars {
  const fresh: IngestBar[] = [];
  let newest = lastBarTime ?? Number.NEGATIVE_INFINITY;
  let highest = lastSeq;
  let redelivered = 0;
  for (const bar of bars) {
    if (highest !== null && compareSequence(bar.seq, highest) <= 0) {
      redelivered++;
      continue;
    }
    highest = bar.seq;
    if (bar.t > newest) {
      fresh.push(bar);
      newest = bar.t;
    }
  }
  return { fresh, duplicates: bars.length - fresh.length - redelivered, redelivered, lastSeq: highest };
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
