import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startApi, type RunningApi } from '../../api/server';
import { toolsDir } from '../../local/services';
import { openContext, startWorker, type TestContext, type WorkerProcess } from './harness';

const run = promisify(execFile);

/**
 * The published OpenAPI contract, checked by schemathesis (installed into the project's venv)
 * against the live API on the real stack: requests valid by the spec are accepted, invalid ones
 * get a 4xx, responses match their schemas, no 5xx, unknown methods a 405. Mutations are sent
 * without the token, so they change nothing and must answer 401; api.test.ts covers them with it.
 * The event stream never ends, so it is left to api.test.ts. A fixed seed keeps CI reproducible.
 */
describe('API contract (schemathesis)', () => {
  let context: TestContext;
  let worker: WorkerProcess;
  let api: RunningApi;

  beforeAll(async () => {
    context = await openContext();
    worker = startWorker('api-contract');
    api = await startApi(context.config, { port: 0 });
  });

  afterAll(async () => {
    await api?.close();
    await worker?.kill('SIGTERM');
    await context?.close();
  });

  test('every generated request gets an answer the spec allows', async () => {
    const schemathesis = path.join(toolsDir, 'venv', 'bin', 'schemathesis');
    const args = [
      'run',
      `${api.url}/openapi.json`,
      '--checks=all',
      '--phases=examples,coverage,fuzzing',
      '--max-examples=10',
      '--seed=20261203',
      '--exclude-path=/api/events',
      '--request-timeout=10',
      '--no-color',
    ];
    const outcome = await run(schemathesis, args, { timeout: 180_000, maxBuffer: 16 * 2 ** 20 }).then(
      ({ stdout }) => ({ code: 0, output: stdout }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({
        code: error.code ?? -1,
        output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
      }),
    );
    if (outcome.code !== 0) process.stderr.write(outcome.output);
    expect(outcome.code).toBe(0);
    expect(outcome.output).toMatch(/\d+ generated, \d+ passed/);
  }, 240_000);
});
