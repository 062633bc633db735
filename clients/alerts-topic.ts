import { CreateTopicCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { TickflowConfig } from '../config/config';

/**
 * The alerts topic's ARN: given on AWS (stack output), looked up locally by name — CreateTopic
 * is idempotent and answers the existing topic's ARN. Resolved once, on first use.
 */
export function alertsTopicArn(sns: SNSClient, config: TickflowConfig): () => Promise<string> {
  let arn: Promise<string> | undefined;
  return () => {
    if (config.alertsTopicArn) return Promise.resolve(config.alertsTopicArn);
    arn ??= sns.send(new CreateTopicCommand({ Name: config.alertsTopic })).then((r) => r.TopicArn!);
    arn.catch(() => (arn = undefined));
    return arn;
  };
}
