/** Workflow ids: one entity, one id, so starting one twice finds the running one. */
export const tickerWorkflowId = (ticker: string, interval: string): string => `ticker-${ticker}-${interval}`;
export const shardReaderWorkflowId = (stream: string, shardId: string): string => `shard-reader-${stream}-${shardId}`;
export const TRAINING_SCHEDULE_ID = 'tickflow-training';
export const LIVE_SCORING_SCHEDULE_ID = 'tickflow-live-scoring';
export const deployWorkflowId = (endpoint: string): string => `deploy-${endpoint}`;
export const REGISTRY_WORKFLOW_ID = 'ticker-registry';
export const onboardingWorkflowId = (ticker: string, interval: string): string => `onboarding-${ticker}-${interval}`;
