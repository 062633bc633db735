import type { BarInterval } from '../domain/market-event';
import type { BarBatch, IngestBar } from '../domain/ingest-batch';

/** The activities the workflows call; implemented in activities/. */
export interface IngestActivities {
  readShard(input: ReadShardInput): Promise<ReadShardResult>;
  processBars(input: ProcessBarsInput): Promise<ProcessBarsResult>;
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
}

export interface TickerProgress extends TickerStats {
  ticker: string;
  interval: BarInterval;
  lastBarTime: number | null;
  pendingBatches: number;
  processing: boolean;
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
