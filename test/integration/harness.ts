import { setTimeout as sleep } from 'node:timers/promises';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { loadConfig, repoRoot, type TickflowConfig } from '../../config/config';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../clients/aws';
import { connectTemporal } from '../../clients/temporal';
import { waitUntilCaughtUp } from '../../cli/ingestion-progress';
import { testEnv } from './test-env';

export interface TestContext {
  config: TickflowConfig;
  aws: AwsClients;
  temporal: Client;
  close(): Promise<void>;
}

export async function openContext(overrides: Record<string, string> = {}): Promise<TestContext> {
  const config = loadConfig({ ...process.env, ...testEnv, ...overrides });
  const aws = createAwsClients(config);
  const { client, connection }: { client: Client; connection: Connection } = await connectTemporal(config);
  return {
    config,
    aws,
    temporal: client,
    close: async () => {
      destroyAwsClients(aws);
      await connection.close();
    },
  };
}

export interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  logFile: string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** A real ingest worker in its own process, as in production. */
export function startWorker(name: string, overrides: Record<string, string> = {}): WorkerProcess {
  const logs = path.join(testEnv.TICKFLOW_HOME!, 'logs');
  mkdirSync(logs, { recursive: true });
  const logFile = path.join(logs, `worker-${name}.log`);
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'tickflow.js'), 'worker'], {
    env: { ...process.env, ...testEnv, ...overrides },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    logFile,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export function workerLogTail(worker: WorkerProcess, lines = 20): string {
  return readFileSync(worker.logFile, 'utf8').split('\n').slice(-lines).join('\n');
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 120_000,
  pollMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await sleep(pollMs);
  }
}

export async function waitForIngestion(
  context: TestContext,
  lastSequenceByShard: Record<string, string>,
  series: Array<{ ticker: string; interval: string }>,
  worker?: WorkerProcess,
): Promise<void> {
  await waitUntilCaughtUp(
    context.temporal,
    context.config,
    { lastSequenceByShard, series },
    {
      timeoutMs: 180_000,
      onWait: () => {
        if (worker && worker.child.exitCode !== null) throw new Error(`worker exited early:\n${workerLogTail(worker)}`);
      },
    },
  );
}

/**
 * Replays the histories of the runs `query` finds against today's workflow code and fails on
 * any non-determinism. With RECORD_HISTORIES=1 it also saves a few small ones to
 * test/histories (up to `keep` per workflow type), which the unit suite replays on every run.
 */
export async function replayHistories(context: TestContext, query: string, keep = 2): Promise<void> {
  const histories = [];
  for await (const run of context.temporal.workflow.list({ query })) {
    histories.push({
      workflowId: run.workflowId,
      type: run.type,
      history: await context.temporal.workflow.getHandle(run.workflowId, run.runId).fetchHistory(),
    });
  }
  const results = [];
  for await (const result of Worker.runReplayHistories(
    { workflowsPath: require.resolve('../../workflows') },
    histories,
  ))
    results.push(result);
  if (results.length !== histories.length || histories.length === 0)
    throw new Error(`replayed ${results.length} of ${histories.length} histories`);
  const failures = results.filter((r) => r.error).map((r) => `${r.workflowId}: ${r.error?.message}`);
  if (failures.length) throw new Error(`non-deterministic replays:\n${failures.join('\n')}`);
  if (process.env.RECORD_HISTORIES === '1') {
    const dir = path.join(__dirname, '..', 'histories');
    mkdirSync(dir, { recursive: true });
    const kept = new Map<string, number>();
    histories.forEach(({ workflowId, type, history }, i) => {
      const json = historyToJSON(history);
      if (json.length >= 300_000 || (kept.get(type) ?? 0) >= keep) return;
      kept.set(type, (kept.get(type) ?? 0) + 1);
      writeFileSync(path.join(dir, `${workflowId}-${i}.json`), json);
    });
  }
}

/** Runs the CLI against the test stack (with a suite's own settings on top), as a user would. */
export const runTickflow = (args: string[], overrides: Record<string, string> = {}) =>
  promisify(execFile)(process.execPath, [path.join(repoRoot, 'bin', 'tickflow.js'), ...args], {
    env: { ...process.env, ...testEnv, ...overrides },
  });
