import type { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import type { KinesisStream } from '@cdktf/provider-aws/lib/kinesis-stream';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { EMF_METRIC } from '../observability/emf';
import type { StackContext } from './stack-context';

/** Alarms to the alarms topic: the endpoint, the stream, and the pipeline's dead letters and failed batches. */
export function alarms(
  ctx: StackContext,
  { stream, alarmsTopic }: { stream: KinesisStream; alarmsTopic: SnsTopic },
): void {
  const { scope, names, name } = ctx;
  // SageMaker publishes endpoint metrics per variant, and tickflow names a variant after each
  // model version: Metrics Insights queries aggregate over whichever variant is serving.
  const endpointAlarm = (id: string, description: string, metric: string, aggregate: string, threshold: number) =>
    new CloudwatchMetricAlarm(scope, id, {
      alarmName: name(id.replace(/^alarm-/, '')),
      alarmDescription: description,
      metricQuery: [
        {
          id: 'q',
          returnData: true,
          period: 60,
          label: metric,
          expression: `SELECT ${aggregate}(${metric}) FROM SCHEMA("AWS/SageMaker", EndpointName, VariantName) WHERE EndpointName = '${names.endpoint}'`,
        },
      ],
      evaluationPeriods: 5,
      threshold,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [alarmsTopic.arn],
      okActions: [alarmsTopic.arn],
    });
  endpointAlarm('alarm-endpoint-5xx', 'The prediction endpoint returns server errors', 'Invocation5XXErrors', 'SUM', 0);
  endpointAlarm(
    'alarm-endpoint-latency',
    'Prediction latency above 1 s (ModelLatency is in microseconds)',
    'ModelLatency',
    'MAX',
    1_000_000,
  );

  new CloudwatchMetricAlarm(scope, 'alarm-iterator-age', {
    alarmName: name('kinesis-iterator-age'),
    alarmDescription: 'Shard readers are falling behind the stream',
    namespace: 'AWS/Kinesis',
    metricName: 'GetRecords.IteratorAgeMilliseconds',
    dimensions: { StreamName: stream.name },
    statistic: 'Maximum',
    period: 60,
    evaluationPeriods: 5,
    threshold: 60_000,
    comparisonOperator: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    alarmActions: [alarmsTopic.arn],
    okActions: [alarmsTopic.arn],
  });
  new CloudwatchMetricAlarm(scope, 'alarm-stream-throttled', {
    alarmName: name('kinesis-write-throttled'),
    alarmDescription: 'Producers are being throttled: add shards',
    namespace: 'AWS/Kinesis',
    metricName: 'WriteProvisionedThroughputExceeded',
    dimensions: { StreamName: stream.name },
    statistic: 'Sum',
    period: 300,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    alarmActions: [alarmsTopic.arn],
  });

  const pipelineAlarm = (id: string, description: string, metric: string) =>
    new CloudwatchMetricAlarm(scope, id, {
      alarmName: name(id.replace(/^alarm-/, '')),
      alarmDescription: description,
      namespace: names.metricsNamespace,
      metricName: metric,
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [alarmsTopic.arn],
      okActions: [alarmsTopic.arn],
    });
  pipelineAlarm('alarm-dead-letters', 'Records were dead-lettered: see tickflow dead-letters', EMF_METRIC.deadLettered);
  pipelineAlarm(
    'alarm-failed-batches',
    'A batch failed for good and halted its ticker: see tickflow failed, then tickflow replay',
    EMF_METRIC.batchesFailed,
  );
}
