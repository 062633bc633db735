import type { BarInterval } from '../domain/market-event';
import type { BarBatch, IngestBar } from '../domain/ingest-batch';

/** The activities the workflows call; implemented in activities/. */
export interface IngestActivities {
  readShard(input: ReadShardInput): Promise<ReadShardResult>;
  processBars(input: ProcessBarsInput): Promise<ProcessBarsResult>;
  predictBars(input: PredictBarsInput): Promise<PredictBarsResult>;
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
}

export interface ProcessBarsResult {
  stored: number;
  lastBarTime: number;
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
  duplicatesSkipped: number;
}

export interface TickerWorkflowInput {
  ticker: string;
  interval: BarInterval;
  options: TickerRunOptions;
  lastBarTime?: number | null;
  /** Batches received but not yet processed when the previous run continued as new. */
  pending?: BarBatch[];
  stats?: TickerStats;
  predictedThrough?: number | null;
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
