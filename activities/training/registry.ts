import type { TrainingActivities } from '../../workflows/training-contracts';
import type { TrainingDeps } from './deps';

/** The registry writes of the training and deployment workflows. */
export function registryActivities(
  deps: TrainingDeps,
): Pick<TrainingActivities, 'recordModel' | 'updateModel' | 'recordDeployment'> {
  return {
    recordModel: (record) => deps.registry.put({ ...record, updatedAt: new Date().toISOString() }),
    updateModel: ({ version, change }) => deps.registry.update(version, change),
    recordDeployment: (deployment) => deps.registry.recordDeployment({ ...deployment, at: new Date().toISOString() }),
  };
}
