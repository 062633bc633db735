import type { BarInterval } from '../domain/market-event';
import type { BarBatch, IngestBar } from '../domain/ingest-batch';

/** The activities the workflows call; implemented in activities/. */
export interface IngestActivities {
  readShard(input: ReadShardInput): Promise<ReadShardResult>;
  processBars(input: ProcessBarsInput): Promise<ProcessBarsResult>;
  predictBars(input: PredictBarsInput): Promise<PredictBarsResult>;
  readBatches(input: ReadBatchesInput): Promise<BarBatch[]>;
  replayRange(input: ReplayRangeInput): Promise<ReplayRangeResult>;
}

/** The failure type of a batch that cannot succeed (a client fault or a bug, not an outage). */
export const BATCH_FAILED = 'BatchFailed';

/** A batch whose processing failed for good; its ticker holds later batches until it is replayed. */
export interface FailedBatch {
  batchIds: string[];
  bars: number;
  firstBarTime: number;
  lastBarTime: number;
  reason: string;
  failedAt: number;
}

export interface ReadBatchesInput {
  ticker: string;
  interval: BarInterval;
  batchIds: string[];
}

export interface ReplayRangeRequest {
  /** Bar times (epoch ms), inclusive. */
  from: number;
  to: number;
}

export interface ReplayRangeInput extends ReplayRangeRequest {
  ticker: string;
  interval: BarInterval;
  /** The newest stored bar: bars after `to` are recomputed too, so the indicator chain stays whole. */
  through: number;
}

export interface ReplayRangeResult {
  /** Bars read again from the stream in [from, to]. */
  replayed: number;
  /** Rows written: the replayed bars and every stored bar after them. */
  rewritten: number;
  firstBarTime: number | null;
}

export interface PredictBarsInput {
  ticker: string;
  interval: BarInterval;
  /** Predict the stored bars after this time (null: from the first) up to `through`. */
  after: number | null;
  through: number;
  horizon: number;
}

export interface PredictBarsResult {
  predicted: number;
  /** The last bar now carrying a prediction; may be before `through` when the backlog is long. */
  predictedThrough: number;
  modelVersion: string;
}

export interface ReadShardInput {
  streamName: string;
  shardId: string;
  /** Resume after this sequence number; absent reads from the oldest record kept. */
  afterSequence?: string;
}

export interface ReadShardResult {
  afterSequence?: string;
  records: number;
  deadLettered: number;
  batches: number;
  millisBehindLatest: number;
  shardClosed: boolean;
}

export interface ProcessBarsInput {
  ticker: string;
  interval: BarInterval;
  /** The newest bar this ticker's workflow knows to be stored, so a cached state can be trusted. */
  previousBarTime: number | null;
  bars: IngestBar[];
  /** Predict the new bars too, over this horizon: asked only while the series' predictions are caught up. */
  predictHorizon?: number;
}

export interface ProcessBarsResult {
  stored: number;
  lastBarTime: number;
  /** Set when the new bars were predicted as well (absent: the workflow's predict step covers them). */
  predictedThrough?: number;
}

export interface TickerRunOptions {
  maxBarsPerActivity: number;
  batchesPerRun: number;
  /** Series of this interval get model predictions (the model is trained on one interval). */
  prediction?: { interval: BarInterval; horizon: number; retryMaxSeconds: number };
}

export interface TickerStats {
  batches: number;
  barsStored: number;
  /** New records for bar times already stored (a producer re-sent them). */
  duplicatesSkipped: number;
  /** Records handed over a second time (a shard read retried after a crash or timeout); absent in runs before it was counted. */
  redelivered?: number;
}

export interface TickerWorkflowInput {
  ticker: string;
  interval: BarInterval;
  options: TickerRunOptions;
  lastBarTime?: number | null;
  /** The highest stream sequence number processed: a record at or below it is a redelivery. */
  lastSeq?: string | null;
  /** Batches received but not yet processed when the previous run continued as new. */
  pending?: BarBatch[];
  stats?: TickerStats;
  predictedThrough?: number | null;
  failure?: FailedBatch | null;
}

export interface TickerProgress extends TickerStats {
  ticker: string;
  interval: BarInterval;
  lastBarTime: number | null;
  pendingBatches: number;
  processing: boolean;
  /** The newest bar with a stored prediction; null before the first (or when not predicted). */
  predictedThrough: number | null;
  predicting: boolean;
  /** The batch this ticker is halted on, until it is replayed. */
  failure: FailedBatch | null;
}

export interface ShardReaderInput {
  streamName: string;
  shardId: string;
  afterSequence?: string;
}

export interface ShardCheckpoint {
  shardId: string;
  afterSequence?: string;
  recordsRead: number;
  deadLettered: number;
  millisBehindLatest: number;
}
