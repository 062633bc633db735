import type { BarBatch } from './ingest-batch';

/**
 * A ticker's entity state and its transitions, as pure functions: the ticker workflow holds the
 * state, and its handlers and loop apply these. Carried across continueAsNew whole.
 */

/** A batch whose processing failed for good; its ticker holds later batches until it is replayed. */
export interface FailedBatch {
  batchIds: string[];
  bars: number;
  firstBarTime: number;
  lastBarTime: number;
  reason: string;
  failedAt: number;
}

export interface TickerStats {
  batches: number;
  barsStored: number;
  /** New records for bar times already stored (a producer re-sent them). */
  duplicatesSkipped: number;
  /** Records handed over a second time (a retried read or hand-off). */
  redelivered: number;
}

/**
 * Who processes the ticker's records: the shard reader's data plane ("fast"), this workflow
 * ("workflow"), or the hand-over to this workflow has been asked for and not yet confirmed.
 */
export type TickerMode = 'fast' | 'handingOver' | 'workflow';

/** The durable state of a ticker workflow, carried across continueAsNew. */
export interface TickerState {
  mode: TickerMode;
  /** The shard reader the ticker was last handed over by (its workflow id). */
  reader: string | null;
  /** A user asked to follow this ticker batch by batch: it stays in workflow mode. */
  watched: boolean;
  lastBarTime: number | null;
  /** The last sequence number received in the current hand-off: a hand-back names it. */
  lastReceivedSeq: string | null;
  /** The hand-back asked for (through this sequence number), not yet confirmed. */
  handBackAsked: { throughSeq: string | null } | null;
  /** Batches received but not yet processed. */
  pending: BarBatch[];
  stats: TickerStats;
  predictedThrough: number | null;
  failure: FailedBatch | null;
}

/** A batch the shard reader forwarded to the ticker workflow; with `failure` when the fast path failed it for good. */
interface Forwarded {
  batch: BarBatch;
  reader: string;
  failure?: string;
}

export const initialTickerState = (): TickerState => ({
  mode: 'fast',
  reader: null,
  watched: false,
  lastBarTime: null,
  lastReceivedSeq: null,
  handBackAsked: null,
  pending: [],
  stats: { batches: 0, barsStored: 0, duplicatesSkipped: 0, redelivered: 0 },
  predictedThrough: null,
  failure: null,
});

/** The failure a fast-path batch arrives with, or that batch added to the failure it belongs to (one read, several batches). */
function withFailedBatch(failure: FailedBatch | null, batch: BarBatch, reason: string, now: number): FailedBatch {
  const last = batch.bars.at(-1)!.t;
  if (!failure) return failureOf([batch], reason, now);
  if (failure.batchIds.includes(batch.batchId)) return failure; // handed over again after a retried read
  return {
    ...failure,
    batchIds: [...failure.batchIds, batch.batchId],
    bars: failure.bars + batch.bars.length,
    lastBarTime: Math.max(failure.lastBarTime, last),
  };
}

/** The failure of batches processed together: the ticker halts on all of them. */
export function failureOf(batches: readonly BarBatch[], reason: string, now: number): FailedBatch {
  const bars = batches.flatMap((b) => b.bars);
  return {
    batchIds: batches.map((b) => b.batchId),
    bars: bars.length,
    firstBarTime: bars[0]!.t,
    lastBarTime: bars.at(-1)!.t,
    reason,
    failedAt: now,
  };
}

/**
 * A forwarded batch arrives: the ticker is in workflow mode with its reader; the batch is held
 * in order, or joins the failure it came with. Says what changed, in the order to publish it.
 */
export function receiveForwarded(
  s: TickerState,
  forwarded: Forwarded,
  now: number,
): { enteredWorkflowMode: boolean; failure: FailedBatch | null } {
  s.reader = forwarded.reader;
  const enteredWorkflowMode = s.mode !== 'workflow';
  if (enteredWorkflowMode) s.mode = 'workflow';
  s.lastReceivedSeq = forwarded.batch.bars.at(-1)!.seq;
  if (forwarded.failure === undefined) {
    s.pending.push(forwarded.batch);
    return { enteredWorkflowMode, failure: null };
  }
  s.failure = withFailedBatch(s.failure, forwarded.batch, forwarded.failure, now);
  return { enteredWorkflowMode, failure: s.failure };
}

/** What this workflow last knew of the series is stale once the fast path had it: the next batch starts from storage. */
export function forgetSeries(s: TickerState): void {
  s.lastBarTime = null;
  s.lastReceivedSeq = null;
  s.handBackAsked = null;
}

/** Batches the data plane processed: the series moved on. */
export function recordProcessed(
  s: TickerState,
  batches: number,
  result: {
    stored: number;
    duplicates: number;
    redelivered: number;
    lastBarTime: number | null;
    predictedThrough: number | null;
  },
): void {
  s.lastBarTime = result.lastBarTime;
  s.predictedThrough = result.predictedThrough;
  s.stats.barsStored += result.stored;
  s.stats.duplicatesSkipped += result.duplicates;
  s.stats.redelivered += result.redelivered;
  s.stats.batches += batches;
}

/**
 * Caught up on everything forwarded, and nothing keeps the ticker in workflow mode (no watch,
 * replay or failure): it may hand the ticker back, once per last sequence number received.
 */
export function mayHandBack(s: TickerState, busy: { wantsRecords: boolean; replayingFailure: boolean }): boolean {
  return (
    s.mode === 'workflow' &&
    s.reader !== null &&
    !busy.wantsRecords &&
    !s.failure &&
    !busy.replayingFailure &&
    s.pending.length === 0 &&
    s.handBackAsked?.throughSeq !== s.lastReceivedSeq
  );
}
