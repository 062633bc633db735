import {
  DescribeEndpointCommand,
  type DescribeEndpointCommandOutput,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';

/** DescribeEndpoint, with "no such endpoint" (a ValidationException on SageMaker) as null. */
export async function describeEndpoint(
  sagemaker: SageMakerClient,
  endpointName: string,
): Promise<DescribeEndpointCommandOutput | null> {
  try {
    return await sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
  } catch (error) {
    if ((error as Error).name === 'ValidationException') return null;
    throw error;
  }
}

/** The model version the endpoint serves now (tickflow names variants after versions), or null. */
export async function versionInService(sagemaker: SageMakerClient, endpointName: string): Promise<string | null> {
  const endpoint = await describeEndpoint(sagemaker, endpointName);
  return endpoint?.ProductionVariants?.[0]?.VariantName ?? null;
}
