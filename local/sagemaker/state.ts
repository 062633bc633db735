import { z } from 'zod';

/** Request shapes of the calls the local SageMaker serves, validated at its edge (field names as AWS spells them). */
const resourceName = z
  .string()
  .regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'must match ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}');

export const createTrainingJobRequest = z
  .object({
    TrainingJobName: resourceName,
    AlgorithmSpecification: z
      .object({ TrainingImage: z.string().min(1), TrainingInputMode: z.string().default('File') })
      .loose(),
    RoleArn: z.string().min(20),
    HyperParameters: z.record(z.string(), z.string()).optional(),
    InputDataConfig: z
      .array(
        z
          .object({
            ChannelName: z.string().min(1),
            DataSource: z.object({ S3DataSource: z.object({ S3Uri: z.string().startsWith('s3://') }).loose() }),
            ContentType: z.string().optional(),
          })
          .loose(),
      )
      .optional(),
    OutputDataConfig: z.object({ S3OutputPath: z.string().startsWith('s3://') }).loose(),
    ResourceConfig: z
      .object({
        InstanceType: z.string().optional(),
        InstanceCount: z.number().int().positive().optional(),
        VolumeSizeInGB: z.number().int().positive(),
      })
      .loose(),
    StoppingCondition: z.object({ MaxRuntimeInSeconds: z.number().int().positive().optional() }).loose(),
    Tags: z.array(z.object({ Key: z.string(), Value: z.string() })).optional(),
  })
  .loose();

export const createModelRequest = z
  .object({
    ModelName: resourceName,
    PrimaryContainer: z
      .object({
        Image: z.string().min(1),
        ModelDataUrl: z.string().startsWith('s3://'),
        Environment: z.record(z.string(), z.string()).optional(),
      })
      .loose(),
    ExecutionRoleArn: z.string().min(20),
  })
  .loose();

export const createEndpointConfigRequest = z
  .object({
    EndpointConfigName: resourceName,
    ProductionVariants: z
      .array(
        z
          .object({
            VariantName: resourceName,
            ModelName: resourceName,
            InstanceType: z.string().optional(),
            InitialInstanceCount: z.number().int().positive().optional(),
            InitialVariantWeight: z.number().min(0).optional(),
          })
          .loose(),
      )
      .min(1)
      .max(10)
      .refine(
        (variants) => new Set(variants.map((v) => v.VariantName)).size === variants.length,
        'variant names must be unique within an endpoint config',
      ),
  })
  .loose();

export const endpointRequest = z.object({ EndpointName: resourceName, EndpointConfigName: resourceName }).loose();

export const nameRequest = <K extends string>(key: K) =>
  z.object({ [key]: z.string().min(1) } as { [P in K]: z.ZodString });

type TrainingJobRequest = z.infer<typeof createTrainingJobRequest>;

/** Timestamps are epoch seconds, as AWS JSON 1.1 puts them on the wire. */
export interface TrainingJob extends TrainingJobRequest {
  TrainingJobArn: string;
  TrainingJobStatus: 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';
  SecondaryStatus: string;
  SecondaryStatusTransitions?: Array<{ Status: string; StartTime: number; StatusMessage: string }>;
  FailureReason?: string;
  ModelArtifacts?: { S3ModelArtifacts: string };
  CreationTime: number;
  LastModifiedTime: number;
  TrainingStartTime?: number;
  TrainingEndTime?: number;
}

export interface Model extends z.infer<typeof createModelRequest> {
  ModelArn: string;
  CreationTime: number;
}

export interface EndpointConfig extends z.infer<typeof createEndpointConfigRequest> {
  EndpointConfigArn: string;
  CreationTime: number;
}

export interface Endpoint {
  EndpointName: string;
  EndpointArn: string;
  EndpointConfigName: string;
  EndpointStatus: 'Creating' | 'InService' | 'Updating' | 'Failed' | 'Deleting';
  FailureReason?: string;
  CreationTime: number;
  LastModifiedTime: number;
}

/** Everything the local SageMaker remembers across restarts (persisted as JSON). */
export interface SageMakerState {
  trainingJobs: Record<string, TrainingJob>;
  models: Record<string, Model>;
  endpointConfigs: Record<string, EndpointConfig>;
  endpoints: Record<string, Endpoint>;
}

export const emptyState = (): SageMakerState => ({ trainingJobs: {}, models: {}, endpointConfigs: {}, endpoints: {} });
