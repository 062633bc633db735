import { InvokeEndpointCommand, type SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { csvLine } from '../domain/features';

export interface ModelAnswer {
  predictions: number[];
  /** The production variant that answered: tickflow names variants after model versions. */
  modelVersion: string;
}

/**
 * Feature rows → predicted returns through InvokeEndpoint, as CSV (SageMaker's common
 * format), `chunk` rows per request to stay far below the 6 MB payload limit. Throws if a
 * deployment switched variants between chunks, so one answer never mixes two models.
 */
export async function invokeModel(
  runtime: SageMakerRuntimeClient,
  endpointName: string,
  rows: readonly (readonly (number | null)[])[],
  { chunk = 1000, abortSignal }: { chunk?: number; abortSignal?: AbortSignal } = {},
): Promise<ModelAnswer> {
  const predictions: number[] = [];
  let modelVersion: string | undefined;
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    const response = await runtime.send(
      new InvokeEndpointCommand({ EndpointName: endpointName, ContentType: 'text/csv', Accept: 'text/csv', Body: part.map((r) => csvLine(r)).join('\n') }),
      { abortSignal },
    );
    const variant = response.InvokedProductionVariant ?? 'unknown';
    if (modelVersion !== undefined && variant !== modelVersion) throw new Error(`endpoint ${endpointName} switched from ${modelVersion} to ${variant} mid-request; retrying`);
    modelVersion = variant;
    const values = Buffer.from(response.Body ?? new Uint8Array()).toString('utf8').trim().split(/\r?\n/).map(Number);
    if (values.length !== part.length || values.some((v) => !Number.isFinite(v))) {
      throw new Error(`endpoint ${endpointName} answered ${values.length} values for ${part.length} rows`);
    }
    predictions.push(...values);
  }
  return { predictions, modelVersion: modelVersion ?? 'none' };
}
