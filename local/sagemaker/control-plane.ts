import { existsSync, readFileSync, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { SageMakerError, validation } from './errors';
import type { EndpointHost } from './endpoint-host';
import type { TrainingRunner } from './training-runner';
import {
  createEndpointConfigRequest,
  createModelRequest,
  createTrainingJobRequest,
  emptyState,
  endpointRequest,
  nameRequest,
  type Endpoint,
  type SageMakerState,
  type TrainingJob,
} from './state';

const ACCOUNT = '000000000000';
const now = () => Date.now() / 1000;

/**
 * The SageMaker control plane tickflow calls, one method per operation (named as the
 * `X-Amz-Target` suffix). State survives restarts in a JSON file; a restart fails the
 * training jobs it interrupted and redeploys the endpoints it had.
 */
export class ControlPlane {
  private readonly state: SageMakerState;
  private readonly stateFile: string;

  constructor(
    private readonly region: string,
    workDir: string,
    private readonly runner: TrainingRunner,
    private readonly host: EndpointHost,
  ) {
    mkdirSync(workDir, { recursive: true });
    this.stateFile = path.join(workDir, 'state.json');
    this.state = existsSync(this.stateFile)
      ? (JSON.parse(readFileSync(this.stateFile, 'utf8')) as SageMakerState)
      : emptyState();
  }

  /** After a restart: interrupted jobs fail (as an instance loss would), endpoints come back. */
  resume(): void {
    for (const job of Object.values(this.state.trainingJobs)) {
      if (job.TrainingJobStatus === 'InProgress' || job.TrainingJobStatus === 'Stopping') {
        Object.assign(job, {
          TrainingJobStatus: 'Failed',
          SecondaryStatus: 'Failed',
          FailureReason: 'InternalServerError: the local SageMaker restarted while the job ran',
          LastModifiedTime: now(),
        });
      }
    }
    for (const endpoint of Object.values(this.state.endpoints)) {
      if (endpoint.EndpointStatus === 'Deleting') delete this.state.endpoints[endpoint.EndpointName];
      else if (endpoint.EndpointStatus !== 'Failed')
        this.deploy(
          endpoint,
          endpoint.EndpointConfigName,
          endpoint.EndpointStatus === 'InService' ? 'InService' : 'Creating',
        );
    }
    this.save();
  }

  readonly operations: Record<string, (body: unknown) => unknown> = {
    CreateTrainingJob: (body) => {
      const request = parse(createTrainingJobRequest, body);
      const name = request.TrainingJobName;
      const arn = this.arn('training-job', name);
      if (this.state.trainingJobs[name])
        throw new SageMakerError(
          'ResourceInUse',
          `Training job names must be unique within an AWS account and region, and a training job with this name already exists (${arn})`,
        );
      const job: TrainingJob = {
        ...request,
        TrainingJobArn: arn,
        TrainingJobStatus: 'InProgress',
        SecondaryStatus: 'Starting',
        SecondaryStatusTransitions: [
          { Status: 'Starting', StartTime: now(), StatusMessage: 'Launching requested ML instances' },
        ],
        CreationTime: now(),
        LastModifiedTime: now(),
      };
      this.state.trainingJobs[name] = job;
      this.save();
      void this.runner.run(job, (change) => {
        Object.assign(job, change, { LastModifiedTime: now() });
        this.save();
      });
      return { TrainingJobArn: arn };
    },
    DescribeTrainingJob: (body) => {
      const { TrainingJobName } = parse(nameRequest('TrainingJobName'), body);
      const job = this.state.trainingJobs[TrainingJobName];
      if (!job) throw new SageMakerError('ResourceNotFound', 'Requested resource not found.');
      return job;
    },
    StopTrainingJob: (body) => {
      const { TrainingJobName } = parse(nameRequest('TrainingJobName'), body);
      const job = this.state.trainingJobs[TrainingJobName];
      if (!job) throw new SageMakerError('ResourceNotFound', 'Requested resource not found.');
      if (job.TrainingJobStatus !== 'InProgress')
        throw validation(`The request was rejected because the training job is in status ${job.TrainingJobStatus}.`);
      Object.assign(job, { TrainingJobStatus: 'Stopping', SecondaryStatus: 'Stopping', LastModifiedTime: now() });
      this.save();
      this.runner.stop(TrainingJobName);
      return {};
    },
    CreateModel: (body) => {
      const request = parse(createModelRequest, body);
      const arn = this.arn('model', request.ModelName);
      if (this.state.models[request.ModelName]) throw validation(`Cannot create already existing model "${arn}".`);
      this.state.models[request.ModelName] = { ...request, ModelArn: arn, CreationTime: now() };
      this.save();
      return { ModelArn: arn };
    },
    DescribeModel: (body) => {
      const { ModelName } = parse(nameRequest('ModelName'), body);
      return this.state.models[ModelName] ?? this.notFound('model', ModelName);
    },
    CreateEndpointConfig: (body) => {
      const request = parse(createEndpointConfigRequest, body);
      const arn = this.arn('endpoint-config', request.EndpointConfigName);
      if (this.state.endpointConfigs[request.EndpointConfigName])
        throw validation(`Cannot create already existing endpoint configuration "${arn}".`);
      for (const variant of request.ProductionVariants)
        if (!this.state.models[variant.ModelName]) this.notFound('model', variant.ModelName);
      this.state.endpointConfigs[request.EndpointConfigName] = {
        ...request,
        EndpointConfigArn: arn,
        CreationTime: now(),
      };
      this.save();
      return { EndpointConfigArn: arn };
    },
    DescribeEndpointConfig: (body) => {
      const { EndpointConfigName } = parse(nameRequest('EndpointConfigName'), body);
      return (
        this.state.endpointConfigs[EndpointConfigName] ?? this.notFound('endpoint configuration', EndpointConfigName)
      );
    },
    CreateEndpoint: (body) => {
      const { EndpointName, EndpointConfigName } = parse(endpointRequest, body);
      const arn = this.arn('endpoint', EndpointName);
      if (this.state.endpoints[EndpointName]) throw validation(`Cannot create already existing endpoint "${arn}".`);
      this.config(EndpointConfigName);
      const endpoint: Endpoint = {
        EndpointName,
        EndpointArn: arn,
        EndpointConfigName,
        EndpointStatus: 'Creating',
        CreationTime: now(),
        LastModifiedTime: now(),
      };
      this.state.endpoints[EndpointName] = endpoint;
      this.deploy(endpoint, EndpointConfigName, 'Creating');
      return { EndpointArn: arn };
    },
    UpdateEndpoint: (body) => {
      const { EndpointName, EndpointConfigName } = parse(endpointRequest, body);
      const endpoint = this.endpoint(EndpointName);
      if (endpoint.EndpointStatus !== 'InService' && endpoint.EndpointStatus !== 'Failed') {
        throw validation(`Cannot update in-progress endpoint "${endpoint.EndpointArn}".`);
      }
      this.config(EndpointConfigName);
      this.deploy(endpoint, EndpointConfigName, 'Updating');
      return { EndpointArn: endpoint.EndpointArn };
    },
    DescribeEndpoint: (body) => {
      const { EndpointName } = parse(nameRequest('EndpointName'), body);
      const endpoint = this.endpoint(EndpointName);
      return {
        ...endpoint,
        ProductionVariants: (this.host.serving(EndpointName) ?? []).map((variant) => ({
          VariantName: variant.name,
          DeployedImages: [{ SpecifiedImage: variant.model.PrimaryContainer.Image }],
          CurrentWeight: variant.weight,
          DesiredWeight: variant.weight,
          CurrentInstanceCount: variant.instances,
          DesiredInstanceCount: 1,
        })),
      };
    },
    DeleteEndpoint: (body) => {
      const { EndpointName } = parse(nameRequest('EndpointName'), body);
      const endpoint = this.endpoint(EndpointName);
      endpoint.EndpointStatus = 'Deleting';
      this.save();
      void this.host.remove(EndpointName).finally(() => {
        delete this.state.endpoints[EndpointName];
        this.save();
      });
      return {};
    },
  };

  endpoint(name: string): Endpoint {
    const endpoint = this.state.endpoints[name];
    if (!endpoint) throw validation(`Could not find endpoint "${this.arn('endpoint', name)}".`);
    return endpoint;
  }

  /** Blue/green to `configName`; on failure the endpoint keeps its old config and says why. */
  private deploy(endpoint: Endpoint, configName: string, status: 'Creating' | 'Updating' | 'InService'): void {
    const previousConfig = endpoint.EndpointConfigName;
    Object.assign(endpoint, { EndpointStatus: status, LastModifiedTime: now() });
    delete endpoint.FailureReason;
    this.save();
    const config = this.config(configName);
    const missing = config.ProductionVariants.find((v) => !this.state.models[v.ModelName]);
    const done = missing
      ? Promise.reject(new Error(`model ${missing.ModelName} was deleted`))
      : this.host.deploy(endpoint.EndpointName, config, new Map(Object.entries(this.state.models)));
    void done
      .then(
        () =>
          Object.assign(endpoint, {
            EndpointConfigName: configName,
            EndpointStatus: 'InService',
            LastModifiedTime: now(),
          }),
        (error: Error) => {
          const stillServing = this.host.serving(endpoint.EndpointName) !== undefined;
          // As on AWS: a failed update rolls back (InService on the old config); a failed create is Failed.
          Object.assign(endpoint, {
            EndpointConfigName: stillServing ? previousConfig : configName,
            EndpointStatus: stillServing ? 'InService' : 'Failed',
            FailureReason: error.message,
            LastModifiedTime: now(),
          });
        },
      )
      .finally(() => this.save());
  }

  private config(name: string) {
    return this.state.endpointConfigs[name] ?? this.notFound('endpoint configuration', name);
  }

  private notFound(kind: string, name: string): never {
    const type = kind === 'model' ? 'model' : kind === 'endpoint configuration' ? 'endpoint-config' : kind;
    throw validation(`Could not find ${kind} "${this.arn(type, name)}".`);
  }

  private arn(type: string, name: string): string {
    return `arn:aws:sagemaker:${this.region}:${ACCOUNT}:${type}/${name.toLowerCase()}`;
  }

  private save(): void {
    const temporary = `${this.stateFile}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.state, null, 1));
    renameSync(temporary, this.stateFile);
  }
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (!result.success) {
    const problems = result.error.issues.map(
      (i) => `Value at '${i.path.join('.')}' failed to satisfy constraint: ${i.message}`,
    );
    throw validation(
      `${problems.length} validation error${problems.length > 1 ? 's' : ''} detected: ${problems.join('; ')}`,
    );
  }
  return result.data;
}
