import { errorText } from '../observability/error-text';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { PipelineMetrics } from '../observability/metrics';
import { BATCH_FAILED } from '../workflows/ingest-contracts';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
]);
const TRANSIENT_NAMES =
  /Throttl|TooManyRequests|RequestLimitExceeded|ProvisionedThroughputExceeded|ServiceUnavailable|InternalServerError|InternalFailure|TimeoutError|RequestTimeout|AbortError/;

interface ErrorShape {
  name?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

/**
 * Whether an error may go away by itself: throttling, a server fault, a dropped connection,
 * a timeout. Anything else — a client fault such as a missing table or a rejected item, or a
 * bug — will fail again on every attempt.
 */
export function isTransient(error: unknown): boolean {
  for (
    let e: unknown = error, depth = 0;
    e && typeof e === 'object' && depth < 5;
    e = (e as ErrorShape).cause, depth++
  ) {
    const { name = '', code, $fault, $retryable, $metadata } = e as ErrorShape;
    const status = $metadata?.httpStatusCode;
    if ($retryable || $fault === 'server' || status === 429 || (status !== undefined && status >= 500)) return true;
    if (TRANSIENT_NAMES.test(name) || (code !== undefined && NETWORK_CODES.has(code))) return true;
    if (name === 'TypeError' && (e as Error).message === 'fetch failed') return true;
  }
  return false;
}

/**
 * Runs a step: transient errors are rethrown for the retry policy to wait out; any other
 * becomes non-retryable (by default a BatchFailed, so the batch is parked as failed instead
 * of retried forever).
 */
export async function failUnlessTransient<T>(step: () => Promise<T>, type = BATCH_FAILED): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (isTransient(error)) throw error;
    const message = errorText(error);
    throw ApplicationFailure.create({
      type,
      message,
      nonRetryable: true,
      cause: error instanceof Error ? error : undefined,
    });
  }
}

/** Counts an attempt after the first: the one before it failed, usually on an outage. */
export function countRetry(deps: { metrics: PipelineMetrics }, activity: string): void {
  if (Context.current().info.attempt > 1) deps.metrics.retry(activity);
}
