import { cpuLine, ownerOf, readProcess, snapshot, ticksByName, type CpuWho } from './process-cpu';

/**
 * CPU while bursts are in flight: each process's CPU is sampled every `everyMs`, so the CPU of
 * chosen windows (a burst's first arrival → its last bar stored) can be told from the idle time
 * between them. Two runs side by side (the market and the floor, half a period apart) then
 * compare in CPU per bar, which is what a burst's latency on a busy machine comes down to.
 */

export interface CpuSample {
  at: number;
  ticks: Map<string, number>;
  steal: number;
}

export interface Window {
  from: number;
  to: number;
}

/** Each burst's window, keyed by its bar time: from its first bar's arrival to its last bar's done. */
export function burstWindows(bars: Iterable<{ t: number; arrivedAt: number; doneAt: number }>): Window[] {
  const byBurst = new Map<number, Window>();
  for (const { t, arrivedAt, doneAt } of bars) {
    const window = byBurst.get(t);
    if (!window) byBurst.set(t, { from: arrivedAt, to: doneAt });
    else {
      window.from = Math.min(window.from, arrivedAt);
      window.to = Math.max(window.to, doneAt);
    }
  }
  return [...byBurst.values()];
}

/** Windows that overlap (a burst still in flight when the next arrives) joined, so no time counts twice. */
export function joinWindows(windows: readonly Window[]): Window[] {
  const joined: Window[] = [];
  for (const { from, to } of [...windows].sort((a, b) => a.from - b.from)) {
    const last = joined.at(-1);
    if (last && from <= last.to) last.to = Math.max(last.to, to);
    else joined.push({ from, to });
  }
  return joined;
}

/**
 * CPU seconds of each name (and steal) over the windows (joined where they overlap), each
 * widened to the samples around it: the time added is at most a sampling interval at each end,
 * and mostly idle.
 */
export function cpuInWindows(
  samples: readonly CpuSample[],
  windows: readonly Window[],
  ticksPerSecond: number,
): { seconds: Map<string, number>; steal: number; windowSeconds: number } {
  const seconds = new Map<string, number>();
  let steal = 0;
  let windowSeconds = 0;
  for (const { from, to } of joinWindows(windows)) {
    const first = samples.findLast((s) => s.at <= from) ?? samples[0];
    const last = samples.find((s) => s.at >= to) ?? samples.at(-1);
    if (!first || !last || last.at <= first.at) continue;
    windowSeconds += (last.at - first.at) / 1000;
    steal += (last.steal - first.steal) / ticksPerSecond;
    for (const [name, ticks] of last.ticks)
      seconds.set(name, (seconds.get(name) ?? 0) + (ticks - (first.ticks.get(name) ?? 0)) / ticksPerSecond);
  }
  return { seconds, steal, windowSeconds };
}

/** CPU per bar in ms, and as text: "0.87 ms: dynamodb 0.40, worker 0.27, …; the host took 0.02; over 31.4 s of windows (1.9 cores busy)". */
export function cpuPerBar(cpu: ReturnType<typeof cpuInWindows>, bars: number): { ms: number; text: string } {
  const ms = (seconds: number) => (1000 * seconds) / Math.max(1, bars);
  const named = [...cpu.seconds].filter(([, s]) => s > 0).sort((a, b) => b[1] - a[1]);
  const total = named.reduce((n, [, s]) => n + s, 0);
  const cores = cpu.windowSeconds > 0 ? total / cpu.windowSeconds : 0;
  const text = `${ms(total).toFixed(2)} ms: ${named.map(([name, s]) => `${name} ${ms(s).toFixed(2)}`).join(', ')}; the host took ${ms(cpu.steal).toFixed(2)}; over ${cpu.windowSeconds.toFixed(1)} s of windows (${cores.toFixed(2)} cores busy)`;
  return { ms: ms(total), text };
}

/**
 * Samples the named processes every `everyMs` until stopped. The processes are found once, at
 * the start (a service's group is stable while it runs), so a sample reads a few files only.
 */
export function startCpuSampler(who: readonly CpuWho[], everyMs = 100): { stop: () => CpuSample[] } {
  const pids = snapshot()
    .filter((p) => ownerOf(p, who))
    .map((p) => p.pid);
  const samples: CpuSample[] = [];
  const sample = () => {
    const processes = pids.flatMap((pid) => readProcess(pid) ?? []);
    samples.push({ at: Date.now(), ticks: ticksByName(processes, who), steal: cpuLine().steal });
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return samples;
    },
  };
}
