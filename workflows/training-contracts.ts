import type { ForecastMetrics } from '../domain/forecast-metrics';
import type { TickerScores } from '../domain/holdout-scores';
import type { HoldoutPoint, ModelRecord } from '../store/model-registry';

/** The activities the training and deployment workflows call; implemented in activities/training/. */
export interface TrainingActivities {
  recordModel(record: Omit<ModelRecord, 'updatedAt'>): Promise<void>;
  updateModel(input: { version: string; change: Partial<Omit<ModelRecord, 'version' | 'updatedAt'>> }): Promise<void>;
  exportDataset(input: ExportDatasetInput): Promise<DatasetSummary>;
  startTrainingJob(input: StartTrainingJobInput): Promise<string>;
  awaitTrainingJob(jobName: string): Promise<TrainingJobOutcome>;
  evaluateCandidate(input: EvaluateInput): Promise<Evaluation>;
  /** Serves `version` (the challenger, if any, staged beside it); started, not yet InService. */
  deployModel(input: { version: string }): Promise<DeployStarted>;
  /** Stages the latest rejected candidate beside the model in service; null when none serves. */
  stageChallenger(): Promise<(DeployStarted & { version: string }) | null>;
  /** `endpointConfig` is absent in runs started before challengers: the version's own config. */
  awaitEndpoint(input: { version: string; endpointConfig?: string }): Promise<void>;
  smokeTestEndpoint(input: { version: string; challenger?: string | null }): Promise<void>;
  recordDeployment(input: {
    version: string;
    previous: string | null;
    reason: string;
    workflowId: string;
  }): Promise<void>;
  /** Scores the model in service on the bars after its training data; the registry keeps the scores. */
  scoreModelInService(): Promise<LiveScoringResult>;
  /** Scores the challenger staged beside it the same way, forecasting the new bars through its variant. */
  scoreChallenger(): Promise<Omit<LiveScoringResult, 'alerted'>>;
}

export interface LiveScoringResult {
  version: string | null;
  rows: number;
  /** The model-in-service alert was published in this pass. */
  alerted: boolean;
  /** The challenger's pass (absent in runs started before challengers). */
  challenger?: { version: string | null; rows: number };
}

export interface TrainingWorkflowInput {
  /** Why this run: "schedule", "manual", "first-run". */
  trigger: string;
  /** Overrides of the model container's hyperparameters (strings, as SageMaker passes them). */
  hyperparameters?: Record<string, string>;
}

export interface TrainingResult {
  version: string;
  decision: ModelRecord['decision'];
  reason: string;
  metrics?: ForecastMetrics;
  incumbent?: { version: string; metrics: ForecastMetrics };
}

export interface ExportDatasetInput {
  version: string;
  interval: string;
  horizon: number;
  holdoutFraction: number;
}

export interface DatasetSummary {
  /** s3://bucket/datasets/<version>/ holding train/, test/ and holdout-index.csv. */
  prefix: string;
  tickers: number;
  trainRows: number;
  holdoutRows: number;
  dataStart: string;
  trainEnd: string;
  holdoutStart: string;
  dataEnd: string;
  /** The random walk's in-sample MAE on the training rows: MASE's scale. */
  trainingNaiveMae: number;
}

export interface StartTrainingJobInput {
  version: string;
  dataset: DatasetSummary;
  hyperparameters: Record<string, string>;
}

export interface TrainingJobOutcome {
  status: 'Completed' | 'Failed' | 'Stopped';
  failureReason?: string;
  artifact?: string;
}

export interface EvaluateInput {
  version: string;
  jobName: string;
  dataset: DatasetSummary;
  /** Bars each target spans (overlapping targets weigh less as evidence); absent in older runs: 1. */
  horizon?: number;
  /** The candidate's quantile levels (its test predictions hold one column per level); absent: one column. */
  quantiles?: number[];
}

export interface Evaluation {
  metrics: ForecastMetrics;
  incumbent?: { version: string; metrics: ForecastMetrics };
  promote: boolean;
  reason: string;
  holdoutSample: HoldoutPoint[];
  /** The candidate's scores per ticker, most holdout rows first (absent in runs started before them). */
  perTicker?: TickerScores[];
}

export interface DeployStarted {
  /** The champion before, when it was another version. */
  previous: string | null;
  endpointConfig: string;
  /** The version staged beside the champion with weight 0 (absent in runs started before challengers). */
  challenger?: string | null;
}

export interface DeployWorkflowInput {
  version: string;
  reason: string;
}
