// The workflow bundle's entry point: every workflow the ingest worker runs.
export { tickerWorkflow } from './ticker';
export { shardReaderWorkflow } from './shard-reader';
export { trainingWorkflow } from './training';
export { deployModelWorkflow, stageChallengerWorkflow } from './deploy-model';
export { liveScoringWorkflow } from './live-scoring';
export { tickerRegistryWorkflow, onboardingWorkflow } from './registry';
