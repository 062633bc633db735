import { errorMessage } from '../../cli/error-message';
import { ConfigError } from '../../config/config';

describe('the CLI error message', () => {
  test('a query no worker polls for says so, and how to start one', () => {
    // The shape @temporalio/client throws: ServiceError "Failed to query Workflow", the gRPC error as its cause.
    const error = Object.assign(
      new Error('Failed to query Workflow', {
        cause: new Error('9 FAILED_PRECONDITION: no poller seen for task queue recently, worker may be down'),
      }),
      { name: 'ServiceError' },
    );
    expect(errorMessage(error)).toBe(
      'no tickflow worker is running to answer this (Temporal: no poller seen for task queue recently, worker may be down). Start one in the background with `tickflow stack up --apps` (or in another terminal with `tickflow worker`), then try again.',
    );
  });

  test('known failures by their message, others with their stack', () => {
    expect(errorMessage(new ConfigError(['TICKFLOW_SHARDS: too small']))).toMatch(/TICKFLOW_SHARDS: too small/);
    expect(
      errorMessage(Object.assign(new Error('ticker AAPL is already onboarded'), { name: 'UpdateRefusedError' })),
    ).toBe('ticker AAPL is already onboarded');
    expect(errorMessage(new TypeError('x is undefined'))).toMatch(/^TypeError: x is undefined\n\s+at /);
    expect(errorMessage('plain')).toBe('plain');
  });
});
