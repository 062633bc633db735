import { KinesisClient } from '@aws-sdk/client-kinesis';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { TickflowConfig } from '../config/config';

// The local emulators accept any signature; fixed credentials keep runs reproducible
// and stop the SDK from searching the machine for real ones.
const localCredentials = { accessKeyId: 'tickflowlocal', secretAccessKey: 'tickflowlocal' };

export interface AwsClients {
  kinesis: KinesisClient;
  dynamodb: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  s3: S3Client;
  sns: SNSClient;
  sagemaker: SageMakerClient;
  sagemakerRuntime: SageMakerRuntimeClient;
}

/** The only place AWS clients are built: endpoints and credentials are the sole difference between stacks. */
export function createAwsClients(config: TickflowConfig): AwsClients {
  const common = {
    region: config.region,
    ...(config.stack === 'local' ? { credentials: localCredentials } : {}),
    maxAttempts: 5,
  };
  // Sized for a worker's concurrent activities (TICKFLOW_ACTIVITY_SLOTS) each writing a couple
  // of batches at once; the SDK's default pool of 50 would queue them.
  const pool = { keepAlive: true, maxSockets: 2 * config.ingest.activitySlots };
  const dynamodb = new DynamoDBClient({
    ...common,
    endpoint: config.endpoints.dynamodb,
    requestHandler: new NodeHttpHandler({ httpAgent: pool, httpsAgent: pool, requestTimeout: 60_000 }),
  });
  return {
    // Kinesis' default HTTP/2 handler fails against both emulators; HTTP/1.1 works everywhere.
    kinesis: new KinesisClient({
      ...common,
      endpoint: config.endpoints.kinesis,
      requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 30_000 }),
    }),
    dynamodb,
    documents: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
    s3: new S3Client({
      ...common,
      endpoint: config.endpoints.s3,
      forcePathStyle: config.stack === 'local',
      // Only checksum when the API demands it: emulators mishandle streamed trailing checksums.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
    sns: new SNSClient({ ...common, endpoint: config.endpoints.sns }),
    sagemaker: new SageMakerClient({ ...common, endpoint: config.endpoints.sagemaker }),
    // Predictions are retried by the workflow (with backoff, never dropped), so the SDK's own
    // retries stay short: a down endpoint fails the attempt fast instead of holding a slot.
    sagemakerRuntime: new SageMakerRuntimeClient({ ...common, maxAttempts: 2, endpoint: config.endpoints.sagemaker }),
  };
}

export function destroyAwsClients(clients: AwsClients): void {
  clients.kinesis.destroy();
  clients.dynamodb.destroy();
  clients.s3.destroy();
  clients.sns.destroy();
  clients.sagemaker.destroy();
  clients.sagemakerRuntime.destroy();
}
