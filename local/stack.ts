import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { TickflowConfig } from '../config/config';
import { repoRoot } from '../config/config';
import { serviceSpecs, type ProcessSpec, type ServiceSpec } from './services';
import { appSpecs, type AppSpec } from './apps';

type ServiceStatus = 'started' | 'running' | 'running (not started by tickflow)' | 'stopped' | 'partly up';

export interface ServiceReport {
  name: ServiceSpec['name'] | AppSpec['name'];
  description: string;
  url: string;
  status: ServiceStatus;
  pid?: number;
  log: string;
}

class StackError extends Error {
  override name = 'StackError';
}

const dirs = (config: TickflowConfig) => ({
  run: path.join(config.home, 'run'),
  logs: path.join(config.home, 'logs'),
  data: path.join(config.home, 'data'),
});
const pidFile = (config: TickflowConfig, name: string) => path.join(dirs(config).run, `${name}.pid`);
export const logFile = (config: TickflowConfig, name: string) => path.join(dirs(config).logs, `${name}.log`);

function portOpen(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid tickflow recorded for a service, if that process still runs. */
function ownPid(config: TickflowConfig, name: string): number | undefined {
  const file = pidFile(config, name);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
}

async function inspect(config: TickflowConfig, spec: ServiceSpec | AppSpec): Promise<ServiceReport> {
  const open = await Promise.all(spec.ports.map((p) => portOpen(p)));
  const pid = ownPid(config, spec.name);
  const base = { name: spec.name, description: spec.description, url: spec.url, log: logFile(config, spec.name) };
  if (!spec.ports.length) return pid ? { ...base, status: 'running', pid } : { ...base, status: 'stopped' };
  if (open.every(Boolean))
    return { ...base, status: pid ? 'running' : 'running (not started by tickflow)', ...(pid ? { pid } : {}) };
  if (open.some(Boolean) || pid) return { ...base, status: 'partly up', ...(pid ? { pid } : {}) };
  return { ...base, status: 'stopped' };
}

function tail(file: string, lines = 15): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

async function start(config: TickflowConfig, spec: ServiceSpec | AppSpec, timeoutMs: number): Promise<ServiceReport> {
  if (!existsSync(spec.requires.path))
    throw new StackError(`${spec.name}: ${spec.requires.hint} (missing ${spec.requires.path})`);
  for (const dir of 'dataDirs' in spec ? spec.dataDirs : []) mkdirSync(dir, { recursive: true });
  const log = logFile(config, spec.name);
  const out = openSync(log, 'a');
  const child = spawn(spec.command, spec.args, {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...spec.env },
  });
  closeSync(out);
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      resolve(
        error.code === 'ENOENT'
          ? `"${spec.command}" was not found on PATH${spec.command === 'java' ? ': DynamoDB Local needs a Java 17+ runtime' : ''}`
          : error.message,
      ),
    );
    child.once('exit', (code, signal) => resolve(`exited with ${signal ?? `code ${code}`}`));
  });
  if (child.pid === undefined) throw new StackError(`${spec.name}: ${await exited}`);
  writeFileSync(pidFile(config, spec.name), String(child.pid));
  child.unref();
  const deadline = Date.now() + timeoutMs;
  let failure: string | undefined;
  void exited.then((reason) => (failure = reason));
  while (Date.now() < deadline) {
    if (failure) break;
    if ((await Promise.all(spec.ports.map((p) => portOpen(p)))).every(Boolean)) {
      return { name: spec.name, description: spec.description, url: spec.url, status: 'started', pid: child.pid, log };
    }
    await sleep(200);
  }
  rmSync(pidFile(config, spec.name), { force: true });
  if (!failure) killGroup(child.pid, 'SIGKILL');
  throw new StackError(
    `${spec.name} did not come up${failure ? `: ${failure}` : ` within ${timeoutMs / 1000}s`}. Last lines of ${log}:\n${tail(log)}`,
  );
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal); // the service and anything it spawned (detached → own group)
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/** Starts every service (or those `only` names) that is not already up, in parallel, and waits until each answers. */
export async function stackUp(
  config: TickflowConfig,
  options: { timeoutMs?: number; only?: Array<ServiceSpec['name']> } = {},
): Promise<ServiceReport[]> {
  const specs = serviceSpecs(config).filter((spec) => !options.only || options.only.includes(spec.name));
  return ensureRunning(config, specs, options.timeoutMs ?? 90_000);
}

/** Starts each of these processes that is not already up, in parallel; one of ours half up is restarted. */
async function ensureRunning(
  config: TickflowConfig,
  specs: Array<ServiceSpec | AppSpec>,
  timeoutMs: number,
): Promise<ServiceReport[]> {
  for (const dir of Object.values(dirs(config))) mkdirSync(dir, { recursive: true });
  return Promise.all(
    specs.map(async (spec) => {
      const report = await inspect(config, spec);
      if (report.status === 'running' || report.status === 'running (not started by tickflow)') return report;
      if (report.status === 'partly up') {
        if (report.pid) await stopPid(report.pid, spec);
        else
          throw new StackError(
            `${spec.name}: port(s) ${spec.ports.join(', ')} are partly in use by another program; free them or choose other ports (docs/configuration.md)`,
          );
      }
      return start(config, spec, timeoutMs);
    }),
  );
}

async function stopPid(pid: number, spec: ProcessSpec): Promise<void> {
  killGroup(pid, 'SIGTERM');
  const deadline = Date.now() + (spec.stopGraceMs ?? 10_000);
  while (alive(pid) && Date.now() < deadline) await sleep(200);
  if (alive(pid)) killGroup(pid, 'SIGKILL');
}

/** Starts each of these apps (local/apps.ts) that is not already running; the stack must be up. */
export const startApps = (config: TickflowConfig, specs: AppSpec[], timeoutMs = 60_000): Promise<ServiceReport[]> =>
  ensureRunning(config, specs, timeoutMs);

async function stopAll(
  config: TickflowConfig,
  specs: Array<ServiceSpec | AppSpec>,
): Promise<Array<{ name: string; stopped: boolean }>> {
  return Promise.all(
    specs.map(async (spec) => {
      const pid = ownPid(config, spec.name);
      if (pid) await stopPid(pid, spec);
      rmSync(pidFile(config, spec.name), { force: true });
      return { name: spec.name, stopped: pid !== undefined };
    }),
  );
}

/**
 * Stops everything this data folder's stack started (by the recorded pids), nothing else: the
 * apps first, so the workers finish against a live stack, then the services.
 */
export async function stackDown(config: TickflowConfig): Promise<Array<{ name: string; stopped: boolean }>> {
  const apps = await stopAll(config, appSpecs(config));
  return [...apps, ...(await stopAll(config, serviceSpecs(config)))];
}

/** Stops one service this stack started, keeps it down for `downMs` and until `whileDown` settles (a drill's move during the outage), and starts it again on the same data. */
export async function restartService(
  config: TickflowConfig,
  name: ServiceSpec['name'],
  options: { downMs?: number; whileDown?: () => Promise<void> } = {},
): Promise<ServiceReport> {
  const spec = serviceSpecs(config).find((s) => s.name === name)!;
  if (!spec.keepsDataOnRestart)
    throw new StackError(
      `${name} keeps its data in memory (${spec.description}): a restart would lose it; stop and start the whole stack instead`,
    );
  const pid = ownPid(config, name);
  if (!pid)
    throw new StackError(`${name} is not running under this stack (${config.home}); start it with tickflow stack up`);
  await stopPid(pid, spec);
  rmSync(pidFile(config, name), { force: true });
  const failedWhileDown = await Promise.all([sleep(options.downMs ?? 0), options.whileDown?.()]).then(
    () => undefined,
    (error: unknown) => error,
  );
  // Back up even when the move during the outage failed: the stack is left as it was found.
  const report = await start(config, spec, 90_000);
  if (failedWhileDown) throw failedWhileDown;
  return report;
}

/** Deletes everything the stack's services stored (the stack must be down): a fresh start for the test and bench stacks. */
export function wipeStackData(config: TickflowConfig): void {
  for (const dir of [dirs(config).data, ...serviceSpecs(config).flatMap((spec) => spec.dataDirs)])
    rmSync(dir, { recursive: true, force: true });
}

export async function stackStatus(
  config: TickflowConfig,
): Promise<{ services: ServiceReport[]; apps: ServiceReport[] }> {
  const [services, apps] = await Promise.all(
    [serviceSpecs(config), appSpecs(config)].map((specs) => Promise.all(specs.map((spec) => inspect(config, spec)))),
  );
  return { services: services!, apps: apps! };
}

/** Whether an app this stack started still runs (a demo's check on the worker it started). */
export const appRunning = (config: TickflowConfig, name: AppSpec['name']): boolean =>
  ownPid(config, name) !== undefined;
