import { proxyActivities } from '@temporalio/workflow';
import type { LiveScoringResult, TrainingActivities } from './training-contracts';

const { scoreModelInService } = proxyActivities<TrainingActivities>({
  startToCloseTimeout: '15 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumAttempts: 5 },
});

/** One pass of live scoring (the hourly Schedule runs it): the model in service on the bars it never saw, and its alert. */
export async function liveScoringWorkflow(): Promise<LiveScoringResult> {
  return scoreModelInService();
}
