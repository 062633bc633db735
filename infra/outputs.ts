import { z } from 'zod';

/** `terraform output -json` of the services stack: `{ name: { value, type, sensitive } }`. */
const outputsSchema = z.object({
  region: z.object({ value: z.string() }),
  stream_name: z.object({ value: z.string() }),
  table_prefix: z.object({ value: z.string() }),
  bucket_name: z.object({ value: z.string() }),
  alerts_topic_name: z.object({ value: z.string() }),
  alerts_topic_arn: z.object({ value: z.string() }),
  task_queue: z.object({ value: z.string() }),
  model_image: z.object({ value: z.string() }),
  sagemaker_role_arn: z.object({ value: z.string() }),
  endpoint_name: z.object({ value: z.string() }),
});

/**
 * tickflow's `aws` configuration from the deployed stack's outputs. The Temporal connection is
 * not here: it lives in the Secrets Manager secret (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY in the tasks; set them yourself to run the CLI).
 */
export function awsEnvFromOutputs(outputs: unknown): Record<string, string> {
  const parsed = outputsSchema.safeParse(outputs);
  if (!parsed.success) {
    throw new Error(
      `not the services stack's \`terraform output -json\`: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const o = parsed.data;
  return {
    TICKFLOW_STACK: 'aws',
    AWS_REGION: o.region.value,
    TICKFLOW_STREAM: o.stream_name.value,
    TICKFLOW_TABLE_PREFIX: o.table_prefix.value,
    TICKFLOW_BUCKET: o.bucket_name.value,
    TICKFLOW_ALERTS_TOPIC: o.alerts_topic_name.value,
    TICKFLOW_ALERTS_TOPIC_ARN: o.alerts_topic_arn.value,
    TICKFLOW_TASK_QUEUE: o.task_queue.value,
    TICKFLOW_MODEL_IMAGE: o.model_image.value,
    TICKFLOW_SAGEMAKER_ROLE_ARN: o.sagemaker_role_arn.value,
    TICKFLOW_ENDPOINT_NAME: o.endpoint_name.value,
  };
}
