import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { repoRoot } from '../../config/config';
import {
  BAR_INTERVAL,
  BATCH_STATUS,
  MODEL_VERSION,
  SHARD_ID,
  TICKER,
  TICKER_MODE,
} from '../../workflows/search-attributes';

Runtime.install({ logger: new DefaultLogger('WARN') });

export interface WorkflowTestServer {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  stop(): Promise<void>;
}

/**
 * A dev server of its own (the Temporal CLI the project installs, with tickflow's search
 * attributes) and a worker running every workflow with these mocked activities: the Temporal
 * samples' way to test a workflow's decisions in seconds.
 */
export async function startWorkflowTestServer(taskQueue: string, activities: object): Promise<WorkflowTestServer> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: path.join(repoRoot, '.tickflow', 'tools', 'venv', 'bin', 'temporal') },
      ip: '127.0.0.1',
      searchAttributes: [TICKER, BAR_INTERVAL, SHARD_ID, MODEL_VERSION, BATCH_STATUS, TICKER_MODE],
    },
  });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../workflows'),
    activities,
  });
  const running = worker.run();
  return {
    env,
    taskQueue,
    stop: async () => {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}

/** Polls `probe` until it gives a value (not undefined or false), or fails naming `what`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
