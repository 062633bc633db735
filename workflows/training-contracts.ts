import type { ForecastMetrics } from '../domain/forecast-metrics';
import type { HoldoutPoint, ModelRecord } from '../store/model-registry';

/** The activities the training and deployment workflows call; implemented in activities/training/. */
export interface TrainingActivities {
  recordModel(record: Omit<ModelRecord, 'updatedAt'>): Promise<void>;
  updateModel(input: { version: string; change: Partial<Omit<ModelRecord, 'version' | 'updatedAt'>> }): Promise<void>;
  exportDataset(input: ExportDatasetInput): Promise<DatasetSummary>;
  startTrainingJob(input: StartTrainingJobInput): Promise<string>;
  awaitTrainingJob(jobName: string): Promise<TrainingJobOutcome>;
  evaluateCandidate(input: EvaluateInput): Promise<Evaluation>;
  deployModel(input: { version: string }): Promise<DeployStarted>;
  awaitEndpoint(input: { version: string }): Promise<void>;
  smokeTestEndpoint(input: { version: string }): Promise<void>;
  recordDeployment(input: {
    version: string;
    previous: string | null;
    reason: string;
    workflowId: string;
  }): Promise<void>;
  /** Scores the model in service on the bars after its training data; the registry keeps the scores. */
  scoreModelInService(): Promise<LiveScoringResult>;
}

export interface LiveScoringResult {
  version: string | null;
  rows: number;
  /** The model-in-service alert was published in this pass. */
  alerted: boolean;
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
}

export interface DeployStarted {
  previous: string | null;
}

export interface DeployWorkflowInput {
  version: string;
  reason: string;
}
