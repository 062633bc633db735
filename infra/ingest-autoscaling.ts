import { Construct } from 'constructs';
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';

export interface IngestAutoscalingProps {
  clusterName: string;
  serviceName: string;
  minWorkers: number;
  maxWorkers: number;
  /** Average CPU of the ingest tasks the service is scaled to hold. */
  targetCpuPercent: number;
}

/**
 * ECS service autoscaling of the ingest workers: shard readers are activities on a task queue,
 * so another task simply takes its share of the runs. Target tracking on CPU, between bounds
 * from settings; scale-in is slower than scale-out, since a stopped task's shards wait for their
 * heartbeat timeout before another task reads them.
 */
export class IngestAutoscaling extends Construct {
  constructor(scope: Construct, id: string, props: IngestAutoscalingProps) {
    super(scope, id);
    const target = new AppautoscalingTarget(this, 'target', {
      serviceNamespace: 'ecs',
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: `service/${props.clusterName}/${props.serviceName}`,
      minCapacity: props.minWorkers,
      maxCapacity: props.maxWorkers,
    });
    new AppautoscalingPolicy(this, 'cpu', {
      name: `${props.serviceName}-cpu`,
      policyType: 'TargetTrackingScaling',
      serviceNamespace: target.serviceNamespace,
      scalableDimension: target.scalableDimension,
      resourceId: target.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        targetValue: props.targetCpuPercent,
        scaleOutCooldown: 60,
        scaleInCooldown: 300,
      },
    });
  }
}
