import { patched, proxyActivities } from '@temporalio/workflow';
import type { LiveScoringResult, TrainingActivities } from './training-contracts';

const { scoreModelInService, scoreChallenger } = proxyActivities<TrainingActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumAttempts: 5 },
});

/**
 * One pass of live scoring (the hourly Schedule runs it): the model in service on the bars it
 * never saw, and its alert; then the challenger staged beside it, on the same bars.
 */
export async function liveScoringWorkflow(): Promise<LiveScoringResult> {
  const champion = await scoreModelInService();
  if (!patched('score-challenger')) return champion;
  return { ...champion, challenger: await scoreChallenger() };
}
