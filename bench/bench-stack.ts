import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, repoRoot, type TickflowConfig } from '../config/config';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../clients/aws';
import { bootstrapResources } from '../local/bootstrap';
import { stackDown, stackUp, wipeStackData } from '../local/stack';
import { startCpuMeter } from './process-cpu';
import { namingFailedCalls, retryCapacity } from './named-failures';
import { startCpuSampler, type CpuSample } from './cpu-windows';
import { parseForecastJournal } from '../observability/forecast-journal';

/**
 * DynamoDB Local keeps the bench stack's tables in memory unless TICKFLOW_DYNAMODB_DATA names a
 * folder: on disk its SQLite commits each write with an fsync, which made the emulator the ceiling
 * (550 vs 3,800 items/s in 25-item batches on this 2-core VM); a bench stack is wiped anyway.
 */
const dynamodbData = process.env.TICKFLOW_DYNAMODB_DATA ?? 'memory';
/** How the bench stack stores its tables, for the header of each result it produced. */
export const benchStackSetup = `DynamoDB Local ${dynamodbData === 'memory' ? 'in memory' : `on ${dynamodbData}`}`;

/**
 * The bench worker's heap: 12 GiB of this 24 GiB machine, so one worker caches every ticker
 * workflow of the 8,000-ticker runs (one per MiB above 512: 11,776) instead of replaying them.
 */
const WORKER_HEAP = '--max-old-space-size=12288';

const benchHome = path.join(repoRoot, '.tickflow', 'bench');
/** Where the bench worker notes when each forecast was stored: arrival → forecast stored, exact per bar. */
const forecastJournal = path.join(benchHome, 'logs', 'forecasts.csv');

/** The benchmarks' own stack: its own data folder and ports, so a developer's stack is never touched. */
export const benchEnv: Record<string, string> = {
  TICKFLOW_STACK: 'local',
  TICKFLOW_HOME: benchHome,
  TICKFLOW_FORECAST_JOURNAL: forecastJournal,
  TICKFLOW_TEMPORAL_PORT: '27233',
  TICKFLOW_TEMPORAL_UI_PORT: '28233',
  TICKFLOW_KINESIS_PORT: '24567',
  TICKFLOW_DYNAMODB_PORT: '28001',
  TICKFLOW_MOTO_PORT: '25000',
  TICKFLOW_SAGEMAKER_PORT: '28086',
  TICKFLOW_DYNAMODB_DATA: dynamodbData,
  TICKFLOW_METRICS_ADDRESS: '127.0.0.1:29464',
  TICKFLOW_STREAM: 'tickflow-bench',
  // No model is trained here: keep predictions off every interval the runs use.
  TICKFLOW_TRAINING_INTERVAL: '1h',
  TICKFLOW_LOG_LEVEL: 'warn',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

export interface BenchStack {
  config: TickflowConfig;
  aws: AwsClients;
  /** The worker process now running (a new one after `restartWorker`). */
  readonly worker: ChildProcess;
  workerLog: string;
  /** SIGKILLs the worker (nothing graceful: its activities are taken over once their heartbeats time out) and waits until it is gone. */
  killWorker(): Promise<void>;
  /** Starts a new worker process in place of the one killed; its output is appended to the same log. */
  restartWorker(): void;
  /** Highest resident memory of the worker so far (sampled every second), KiB. */
  peakRssKb(): number;
  /** When the forecast at each bar was stored (`ticker#interval#t` → epoch ms), from the worker's journal. */
  forecastsStoredAt(): Promise<Map<string, number>>;
  /** Starts a window of CPU accounting by process (each service, the worker, this benchmark); the function it returns ends it and formats the shares. */
  cpuMeter(): () => string;
  /** Per-process CPU sampled every 100 ms, for the CPU of chosen windows (cpu-windows.ts). */
  cpuSampler(): { stop: () => CpuSample[] };
}

export interface BenchStackOptions {
  /** Which workers run: ingestion only (default) or ingestion and training. */
  role?: 'ingest' | 'all';
  /** Settings on top of benchEnv, e.g. the interval predictions run on. */
  env?: Record<string, string>;
  /** Node flags for the worker process alone, e.g. a CPU profiler (Node refuses --cpu-prof in NODE_OPTIONS). */
  workerNodeFlags?: string[];
}

/** Starts a fresh bench stack and one worker process, runs `work`, and tears everything down. */
export async function withBenchStack<T>(
  say: (line: string) => void,
  work: (stack: BenchStack) => Promise<T>,
  options: BenchStackOptions = {},
): Promise<T> {
  Object.assign(process.env, benchEnv, options.env);
  const config = loadConfig();
  await stackDown(config);
  wipeStackData(config);
  say(`starting a fresh stack in ${config.home}`);
  const services = await stackUp(config);
  const aws = createAwsClients(config);
  for (const client of [aws.kinesis, aws.dynamodb])
    client.middlewareStack.add(
      namingFailedCalls(() => retryCapacity(client)),
      { step: 'initialize', name: 'benchNamesFailedCalls' },
    );
  await bootstrapResources(config, aws);
  mkdirSync(path.join(config.home, 'logs'), { recursive: true });
  rmSync(forecastJournal, { force: true });
  const workerLog = path.join(config.home, 'logs', 'bench-worker.log');
  const nodeFlags = [WORKER_HEAP, ...(options.workerNodeFlags ?? [])];
  const spawnWorker = (logFlags: 'w' | 'a') => {
    const out = openSync(workerLog, logFlags);
    const child = spawn(
      process.execPath,
      [...nodeFlags, path.join(repoRoot, 'bin', 'tickflow.js'), 'worker', '--role', options.role ?? 'ingest'],
      { env: process.env, stdio: ['ignore', out, out] },
    );
    closeSync(out);
    return child;
  };
  const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;
  let worker = spawnWorker('w');
  let peak = 0;
  const sampler = setInterval(() => {
    // Once the worker has exited there is nothing to sample; the probes report the exit with its log.
    if (exited(worker)) return;
    const status = readFileSync(`/proc/${worker.pid}/status`, 'utf8');
    peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
  }, 1000);
  const stopWorker = async (signal: NodeJS.Signals) => {
    if (exited(worker)) return;
    const gone = new Promise((r) => worker.once('exit', r));
    worker.kill(signal);
    await gone;
  };
  try {
    const who = [
      ...services.flatMap((s) => (s.pid === undefined ? [] : [{ name: s.name, pgrp: s.pid }])),
      { name: 'worker', pid: worker.pid! },
      { name: 'benchmark (producer, probes)', pid: process.pid },
    ];
    return await work({
      config,
      aws,
      get worker() {
        return worker;
      },
      workerLog,
      killWorker: () => stopWorker('SIGKILL'),
      restartWorker: () => {
        if (!exited(worker)) throw new Error('restartWorker: the worker is still running');
        worker = spawnWorker('a');
      },
      peakRssKb: () => peak,
      forecastsStoredAt: async () => {
        await sleep(1000); // the worker appends what it buffered every 250 ms
        return parseForecastJournal(existsSync(forecastJournal) ? readFileSync(forecastJournal, 'utf8') : '');
      },
      cpuMeter: () => startCpuMeter(who, os.cpus().length),
      cpuSampler: () => startCpuSampler(who),
    });
  } finally {
    clearInterval(sampler);
    await stopWorker('SIGTERM');
    destroyAwsClients(aws);
    await stackDown(config);
  }
}
