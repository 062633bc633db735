import { ApplicationFailure } from '@temporalio/common';
import { failUnlessTransient, isTransient } from '../../activities/failure-kind';
import { BATCH_FAILED } from '../../workflows/ingest-contracts';

/** Errors shaped as the AWS SDK v3 throws them. */
const awsError = (name: string, status: number, fault: 'client' | 'server', extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} happened`), {
    name,
    $fault: fault,
    $metadata: { httpStatusCode: status },
    ...extra,
  });

describe('isTransient', () => {
  test.each([
    ['throttling', awsError('ThrottlingException', 400, 'client')],
    ['provisioned throughput', awsError('ProvisionedThroughputExceededException', 400, 'client')],
    ['a server fault', awsError('InternalServerError', 500, 'server')],
    ['a 503', awsError('ServiceUnavailable', 503, 'server')],
    ['an SDK-marked retryable error', awsError('SomethingOdd', 400, 'client', { $retryable: { throttling: false } })],
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' })],
    [
      'a reset wrapped in another error',
      new Error('request failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) }),
    ],
    ['a timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
  ])('%s is transient', (_, error) => expect(isTransient(error)).toBe(true));

  test.each([
    ['a missing table', awsError('ResourceNotFoundException', 400, 'client')],
    ['a rejected item', awsError('ValidationException', 400, 'client')],
    ['access denied', awsError('AccessDeniedException', 400, 'client')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 't')")],
    ['a thrown string', 'boom'],
  ])('%s is not', (_, error) => expect(isTransient(error)).toBe(false));
});

describe('failUnlessTransient', () => {
  test('passes results and transient errors through unchanged', async () => {
    await expect(failUnlessTransient(async () => 7)).resolves.toBe(7);
    const outage = awsError('ThrottlingException', 400, 'client');
    await expect(
      failUnlessTransient(async () => {
        throw outage;
      }),
    ).rejects.toBe(outage);
  });

  test('turns any other error into a non-retryable BatchFailed naming the cause', async () => {
    const failure = await failUnlessTransient(async () => {
      throw awsError('ResourceNotFoundException', 400, 'client');
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({
      type: BATCH_FAILED,
      nonRetryable: true,
      message: 'ResourceNotFoundException: ResourceNotFoundException happened',
    });
  });
});
