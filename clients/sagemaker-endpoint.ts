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

/**
 * The versions on the endpoint (tickflow names variants after versions): the champion takes
 * the traffic (the heaviest weight); the challenger is staged beside it with weight 0 and is
 * reached only by TargetVariant.
 */
export interface EndpointVariants {
  champion: string | null;
  challenger: string | null;
}

export function variantsOf(
  endpoint: Pick<DescribeEndpointCommandOutput, 'ProductionVariants'> | null,
): EndpointVariants {
  const variants = endpoint?.ProductionVariants ?? [];
  const weight = (v: (typeof variants)[number]) => v.CurrentWeight ?? 1;
  const champion = variants.filter((v) => weight(v) > 0).sort((a, b) => weight(b) - weight(a))[0];
  const challenger = variants.find((v) => weight(v) === 0);
  return { champion: champion?.VariantName ?? null, challenger: challenger?.VariantName ?? null };
}

export async function variantsInService(sagemaker: SageMakerClient, endpointName: string): Promise<EndpointVariants> {
  return variantsOf(await describeEndpoint(sagemaker, endpointName));
}

/** The model version the endpoint serves now (its champion), or null. */
export async function versionInService(sagemaker: SageMakerClient, endpointName: string): Promise<string | null> {
  return (await variantsInService(sagemaker, endpointName)).champion;
}
