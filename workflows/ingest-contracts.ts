import type { BarInterval } from '../domain/market-event';
import type { BarBatch, IngestBar } from '../domain/ingest-batch';
import type { FailedBatch, TickerMode, TickerState, TickerStats } from '../domain/ticker-state';

/** The activities the workflows call; implemented in activities/. */
export interface IngestActivities {
  runShard(input: RunShardInput): Promise<RunShardResult>;
  /** Waits until these shard readers have finished; returns the tickers they left in workflow mode. */
  awaitParentReaders(input: { readerWorkflowIds: string[] }): Promise<Record<string, WorkflowModeSeries>>;
  processBars(input: ProcessBarsInput): Promise<ProcessBarsResult>;
  predictBars(input: PredictBarsInput): Promise<PredictBarsResult>;
  readBatches(input: ReadBatchesInput): Promise<BarBatch[]>;
  replayRange(input: ReplayRangeInput): Promise<ReplayRangeResult>;
  /** The workers' current settings for ticker workflows (a local activity at the start of each run). */
  tickerRunOptions(): Promise<TickerRunOptions>;
}

/** The failure type of a batch that cannot succeed (a client fault or a bug, not an outage). */
export const BATCH_FAILED = 'BatchFailed';

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

/** Bars after `to` are recomputed too, through the newest stored one, so the indicator chain stays whole. */
export interface ReplayRangeInput extends ReplayRangeRequest {
  ticker: string;
  interval: BarInterval;
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

/** What a shard reader has done since it started, summed over its runs. */
export interface ShardCounters {
  records: number;
  deadLettered: number;
  /** Bars stored by the shard's own data plane (the fast path). */
  stored: number;
  /** New records for bar times already stored (a producer re-sent them). */
  duplicates: number;
  /** Records read again after a crash or a retried run, already stored. */
  redelivered: number;
  /** Bars handed to ticker workflows (tickers in workflow mode). */
  forwarded: number;
  /** Tickers whose bars failed for good and were handed to their workflow to halt. */
  failedTickers: number;
}

/** A ticker in workflow mode: its records go to its ticker workflow, in order, not through the fast path. */
export interface WorkflowModeSeries {
  ticker: string;
  interval: BarInterval;
  /** The last sequence number forwarded in this hand-off (null: none yet). */
  lastForwarded: string | null;
  /** Set while a hand-back waits: the next run stops before this ticker's next record. */
  closing: boolean;
}

/** The durable part of a shard reader's checkpoint; also the long-running activity's heartbeat details. */
export interface ShardPosition {
  /** Everything up to and including this sequence number has been processed or handed over. */
  afterSequence?: string;
  counters: ShardCounters;
  /** By series key (ticker#interval). */
  workflowSeries: Record<string, WorkflowModeSeries>;
}

export interface RunShardInput extends ShardPosition {
  streamName: string;
  shardId: string;
  /** The shard reader's workflow id: ticker workflows hand tickers back to it. */
  readerWorkflowId: string;
}

/** What one activity run did, as the Web UI shows its result. */
export interface ShardRunSummary {
  /** The sequence range read (absent: nothing new). */
  firstSequence?: string;
  lastSequence?: string;
  /** Distinct tickers seen, bars stored on the fast path, records dead-lettered, bars forwarded to ticker workflows. */
  tickers: number;
  stored: number;
  deadLettered: number;
  forwarded: number;
  /** Tickers failed for good in this run (handed to their workflows to halt). */
  failed: string[];
}

export interface RunShardResult extends ShardPosition {
  run: ShardRunSummary;
  reads: number;
  millisBehindLatest: number;
  shardClosed: boolean;
  /** The run stopped before a record of this closing series (its hand-back can now complete). */
  stoppedFor?: string;
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
  duplicates: number;
  redelivered: number;
  lastBarTime: number | null;
  /** The newest bar carrying a prediction (null: none yet). */
  predictedThrough: number | null;
}

export interface TickerRunOptions {
  maxBarsPerActivity: number;
  batchesPerRun: number;
  /** Series of this interval get model predictions (the model is trained on one interval). */
  prediction?: { interval: BarInterval; horizon: number; retryMaxSeconds: number };
}

export interface TickerWorkflowInput {
  ticker: string;
  interval: BarInterval;
  /** Only in runs started before the options came from the workers' configuration (see OPTIONS_FROM_CONFIG). */
  options?: TickerRunOptions;
  state?: TickerState;
}

export interface TickerProgress extends TickerStats {
  ticker: string;
  interval: BarInterval;
  mode: TickerMode;
  watched: boolean;
  reader: string | null;
  lastBarTime: number | null;
  pendingBatches: number;
  processing: boolean;
  /** The newest bar with a stored prediction; null before the first (or when not predicted). */
  predictedThrough: number | null;
  predicting: boolean;
  /** The batch this ticker is halted on, until it is replayed. */
  failure: FailedBatch | null;
}

/** A batch the shard reader hands to a ticker workflow; with `failure` when the fast path failed it for good. */
export interface ForwardedBatch {
  batch: BarBatch;
  reader: string;
  failure?: string;
}

/** A ticker's request to change hands, sent to its shard reader. */
export interface HandOverRequest {
  ticker: string;
  interval: BarInterval;
}

export interface HandBackRequest extends HandOverRequest {
  /** The last sequence number the ticker workflow received and processed in this hand-off. */
  throughSeq: string | null;
}

export interface ShardReaderInput {
  streamName: string;
  shardId: string;
  /** Shards this one was split or merged from: their readers finish before this one reads. */
  parents?: string[];
  position?: ShardPosition;
  /** Hand-off requests received but not yet applied when the previous run continued as new. */
  handOvers?: HandOverRequest[];
  handBacks?: HandBackRequest[];
}

export interface ShardCheckpoint extends ShardPosition {
  shardId: string;
  millisBehindLatest: number;
  runs: number;
  lastRun: ShardRunSummary | null;
}
