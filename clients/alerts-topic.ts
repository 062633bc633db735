import { CreateTopicCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { TickflowConfig } from '../config/config';
import { cachedFor } from './cached';

/**
 * The alerts topic's ARN: given on AWS (stack output), looked up locally by name — CreateTopic
 * is idempotent and answers the existing topic's ARN. Resolved once, on first use.
 */
export function alertsTopicArn(sns: SNSClient, config: TickflowConfig): () => Promise<string> {
  const configured = config.alertsTopicArn;
  if (configured) return () => Promise.resolve(configured);
  return cachedFor(
    Number.POSITIVE_INFINITY,
    async () => (await sns.send(new CreateTopicCommand({ Name: config.alertsTopic }))).TopicArn!,
  );
}
