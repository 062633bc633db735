import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Where the CPU goes while a benchmark runs: CPU time by process over a window, read from
 * /proc (Linux). Each stack service counts with its whole process group (services start
 * detached, so a group is the service and what it spawned: the model server under the local
 * SageMaker, DynamoDB Local's JVM); the worker and the benchmark process count by pid.
 */

export interface ProcessTimes {
  pid: number;
  pgrp: number;
  /** user + system CPU, clock ticks */
  ticks: number;
}

/** One line of /proc/<pid>/stat. The command name is in parentheses and may hold spaces or ')', so fields are counted after the last ')'. */
export function parseProcStat(line: string): ProcessTimes {
  const close = line.lastIndexOf(')');
  if (close < 0) throw new Error(`not a /proc/<pid>/stat line: ${line.slice(0, 80)}`);
  // After the name: state(3) ppid(4) pgrp(5) … utime(14) stime(15), 1-based as in proc(5).
  const fields = line.slice(close + 2).split(' ');
  const at = (n: number) => Number(fields[n - 3]);
  return { pid: Number(line.slice(0, line.indexOf(' '))), pgrp: at(5), ticks: at(14) + at(15) };
}

/** Busy and total ticks of all CPUs together, from the first line of /proc/stat. */
export function parseCpuLine(line: string): { busy: number; total: number; steal: number } {
  const [, ...values] = line.trim().split(/\s+/);
  // user nice system idle iowait irq softirq steal (guest time is already inside user).
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = values.map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait, steal };
}

export interface CpuWho {
  name: string;
  /** a process group (a stack service) or one process (the worker, the benchmark) */
  pgrp?: number;
  pid?: number;
}

/** Who a process counts for: a named process by its pid, a stack service by its process group. */
export const ownerOf = (p: ProcessTimes, who: readonly CpuWho[]): CpuWho | undefined =>
  who.find((w) => (w.pid !== undefined ? w.pid === p.pid : w.pgrp === p.pgrp));

/** Ticks of each named process or group in one snapshot of every process. */
export function ticksByName(processes: readonly ProcessTimes[], who: readonly CpuWho[]): Map<string, number> {
  const ticks = new Map(who.map((w) => [w.name, 0]));
  for (const p of processes) {
    const owner = ownerOf(p, who);
    if (owner) ticks.set(owner.name, ticks.get(owner.name)! + p.ticks);
  }
  return ticks;
}

/**
 * "temporal 92 %, worker 61 %, …" in % of one core, busiest first, then the machine's total and
 * how many cores it has, and what of it the host took (steal: time a core was ready to run but
 * the hypervisor ran something else; a run with much of it is slower for reasons not its own).
 */
export function formatShares(
  before: Map<string, number>,
  after: Map<string, number>,
  seconds: number,
  ticksPerSecond: number,
  machine: { busyTicks: number; totalTicks: number; stealTicks: number; cores: number },
): string {
  const percent = (ticks: number) => (100 * ticks) / ticksPerSecond / seconds;
  const shares = [...after]
    .map(([name, ticks]) => [name, percent(ticks - (before.get(name) ?? 0))] as const)
    .sort((a, b) => b[1] - a[1]);
  const ofMachine = (ticks: number) =>
    (machine.totalTicks > 0 ? (100 * machine.cores * ticks) / machine.totalTicks : 0).toFixed(0);
  return `${shares.map(([name, p]) => `${name} ${p.toFixed(0)} %`).join(', ')}; machine ${ofMachine(machine.busyTicks)} % of ${machine.cores * 100} % (taken by the host: ${ofMachine(machine.stealTicks)} %)`;
}

/** One process's CPU so far (undefined: it has ended). */
export function readProcess(pid: number): ProcessTimes | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Every process now (one that ends between the listing and its read is left out). */
export function snapshot(): ProcessTimes[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => readProcess(Number(entry)) ?? []);
}

/** The machine's ticks so far, all CPUs together. */
export const cpuLine = () => parseCpuLine(readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!);
export const clockTicksPerSecond = (() => {
  let cached: number | undefined;
  return () => (cached ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100);
})();

/**
 * Starts measuring; the function it returns ends the window and says what each one used.
 * A process that ended inside the window is not counted (its ticks go with it).
 */
export function startCpuMeter(who: readonly CpuWho[], cores: number): () => string {
  const started = performance.now();
  const before = ticksByName(snapshot(), who);
  const machineBefore = cpuLine();
  return () => {
    const seconds = (performance.now() - started) / 1000;
    const machineAfter = cpuLine();
    return formatShares(before, ticksByName(snapshot(), who), seconds, clockTicksPerSecond(), {
      busyTicks: machineAfter.busy - machineBefore.busy,
      totalTicks: machineAfter.total - machineBefore.total,
      stealTicks: machineAfter.steal - machineBefore.steal,
      cores,
    });
  };
}
