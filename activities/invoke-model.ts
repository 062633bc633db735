import { InvokeEndpointCommand, type SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { z } from 'zod';
import { npyMatrix } from '../domain/npy-matrix';

export interface ModelAnswer {
  /** Per row, the forecast forward log return: a quantile model's median. */
  predictions: number[];
  /** A quantile model's levels (ascending) and, per row, the forward log return at each. */
  quantiles?: { levels: number[]; values: number[][] };
  /** The production variant that answered: tickflow names variants after model versions. */
  modelVersion: string;
}

/** The container's JSON answer (model/serve.py): one value per row, or one per level per row. */
const AnswerBody = z.union([
  z.object({ predictions: z.array(z.number()), quantiles: z.undefined() }),
  z.object({
    predictions: z.array(z.array(z.number())),
    quantiles: z.array(z.number()).refine((levels) => levels.includes(0.5), 'the levels must include the median, 0.5'),
  }),
]);

/**
 * Feature rows → forecast returns through InvokeEndpoint: a NumPy array in (no text to write
 * or parse), JSON out (it names a quantile model's levels), `chunk` rows per request to stay far
 * below the 6 MB payload limit (a row is 15 float64, 120 bytes: 5,000 rows ≈ 0.6 MB), so a
 * shard read of up to 5,000 bars is one round trip, not several in turn. Traffic goes by the
 * variants' weights, or to `targetVariant`.
 * Throws if a deployment switched variants between chunks, so one answer never mixes two models.
 */
export async function invokeModel(
  runtime: SageMakerRuntimeClient,
  endpointName: string,
  rows: readonly (readonly (number | null)[])[],
  {
    chunk = 5000,
    abortSignal,
    targetVariant,
  }: { chunk?: number; abortSignal?: AbortSignal; targetVariant?: string } = {},
): Promise<ModelAnswer> {
  const predictions: number[] = [];
  let quantiles: ModelAnswer['quantiles'];
  let modelVersion: string | undefined;
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    const response = await runtime.send(
      new InvokeEndpointCommand({
        EndpointName: endpointName,
        ContentType: 'application/x-npy',
        Accept: 'application/json',
        Body: npyMatrix(part),
        ...(targetVariant ? { TargetVariant: targetVariant } : {}),
      }),
      { abortSignal },
    );
    const variant = response.InvokedProductionVariant ?? 'unknown';
    if (modelVersion !== undefined && variant !== modelVersion)
      throw new Error(`endpoint ${endpointName} switched from ${modelVersion} to ${variant} mid-request; retrying`);
    modelVersion = variant;
    const body = parseAnswer(endpointName, Buffer.from(response.Body ?? new Uint8Array()).toString('utf8'));
    if (body.predictions.length !== part.length)
      throw new Error(`endpoint ${endpointName} answered ${body.predictions.length} rows for ${part.length}`);
    if (body.quantiles === undefined) {
      predictions.push(...body.predictions);
      continue;
    }
    const levels = body.quantiles;
    if (body.predictions.some((row) => row.length !== levels.length))
      throw new Error(`endpoint ${endpointName} answered rows without one value per level (${levels.join(', ')})`);
    quantiles ??= { levels, values: [] };
    quantiles.values.push(...body.predictions);
    predictions.push(...body.predictions.map((row) => row[levels.indexOf(0.5)]!));
  }
  return { predictions, ...(quantiles ? { quantiles } : {}), modelVersion: modelVersion ?? 'none' };
}

function parseAnswer(endpointName: string, text: string): z.infer<typeof AnswerBody> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`endpoint ${endpointName} answered something other than JSON: ${text.slice(0, 200)}`);
  }
  const parsed = AnswerBody.safeParse(json);
  if (!parsed.success)
    throw new Error(
      `endpoint ${endpointName} answered an unexpected shape: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}
