import {
  CreateTrainingJobCommand,
  DescribeTrainingJobCommand,
  ResourceInUse,
  type TrainingInstanceType,
} from '@aws-sdk/client-sagemaker';
import { Context } from '@temporalio/activity';
import { FEATURE_NAMES } from '../../domain/features';
import type { StartTrainingJobInput, TrainingJobOutcome } from '../../workflows/training-contracts';
import { sagemakerNames, type TrainingDeps } from './deps';

/** Starts the SageMaker training job for a version; a retry finds the job already there. */
export function startTrainingJobActivity(deps: TrainingDeps) {
  return async function startTrainingJob(input: StartTrainingJobInput): Promise<string> {
    const { config } = deps;
    const { trainingJob: name, trainingOutputPath } = sagemakerNames(config, input.version);
    const channel = (ChannelName: string) => ({
      ChannelName,
      ContentType: 'text/csv',
      DataSource: {
        S3DataSource: {
          S3DataType: 'S3Prefix' as const,
          S3Uri: `${input.dataset.prefix}/${ChannelName}/`,
          S3DataDistributionType: 'FullyReplicated' as const,
        },
      },
    });
    try {
      await deps.aws.sagemaker.send(
        new CreateTrainingJobCommand({
          TrainingJobName: name,
          RoleArn: config.sagemaker.roleArn,
          AlgorithmSpecification: { TrainingImage: config.sagemaker.modelImage, TrainingInputMode: 'File' },
          HyperParameters: {
            feature_names: FEATURE_NAMES.join(','),
            model_version: input.version,
            ...input.hyperparameters,
          },
          InputDataConfig: [channel('train'), channel('test')],
          OutputDataConfig: { S3OutputPath: trainingOutputPath },
          ResourceConfig: {
            InstanceType: config.sagemaker.trainingInstanceType as TrainingInstanceType,
            InstanceCount: 1,
            VolumeSizeInGB: 10,
          },
          StoppingCondition: { MaxRuntimeInSeconds: 3600 },
          Tags: [{ Key: 'tickflow:model-version', Value: input.version }],
        }),
      );
    } catch (error) {
      if (!(error instanceof ResourceInUse)) throw error;
    }
    return name;
  };
}

/** Polls the job until it ends, heartbeating, so a worker crash hands the wait to another worker. */
export function awaitTrainingJobActivity(deps: TrainingDeps, pollMs = 2_000) {
  return async function awaitTrainingJob(jobName: string): Promise<TrainingJobOutcome> {
    const context = Context.current();
    for (;;) {
      const job = await deps.aws.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: jobName }));
      context.heartbeat(job.SecondaryStatus);
      const status = job.TrainingJobStatus;
      if (status === 'Completed' || status === 'Failed' || status === 'Stopped') {
        return {
          status,
          ...(job.FailureReason ? { failureReason: job.FailureReason } : {}),
          ...(job.ModelArtifacts?.S3ModelArtifacts ? { artifact: job.ModelArtifacts.S3ModelArtifacts } : {}),
        };
      }
      await context.sleep(pollMs);
    }
  };
}
