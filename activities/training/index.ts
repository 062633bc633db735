import type { TrainingActivities } from '../../workflows/training-contracts';
import type { TrainingDeps } from './deps';
import {
  awaitEndpointActivity,
  deployModelActivity,
  smokeTestEndpointActivity,
  stageChallengerActivity,
} from './endpoint';
import { evaluateCandidateActivity } from './evaluate';
import { exportDatasetActivity } from './export-dataset';
import { registryActivities } from './registry';
import { awaitTrainingJobActivity, startTrainingJobActivity } from './training-job';
import { scoreChallengerActivity, scoreModelInServiceActivity } from './live-scoring';

export function createTrainingActivities(deps: TrainingDeps): TrainingActivities {
  return {
    ...registryActivities(deps),
    exportDataset: exportDatasetActivity(deps),
    startTrainingJob: startTrainingJobActivity(deps),
    awaitTrainingJob: awaitTrainingJobActivity(deps),
    evaluateCandidate: evaluateCandidateActivity(deps),
    deployModel: deployModelActivity(deps),
    stageChallenger: stageChallengerActivity(deps),
    awaitEndpoint: awaitEndpointActivity(deps),
    smokeTestEndpoint: smokeTestEndpointActivity(deps),
    scoreModelInService: scoreModelInServiceActivity(deps),
    scoreChallenger: scoreChallengerActivity(deps),
  };
}
