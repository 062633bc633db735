import path from 'node:path';

/**
 * Reads a V8 CPU profile (`node --cpu-prof`, the .cpuprofile format) and says where its samples
 * fell: self time by package (or by folder of this repository) and by function.
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame }>;
  /** the node each sample landed in */
  samples: number[];
  /** microseconds since the sample before */
  timeDeltas: number[];
  /** when profiling started, in microseconds of the system's monotonic clock (process.hrtime's) */
  startTime: number;
}

/** A stretch of a profile, in microseconds of the monotonic clock (process.hrtime.bigint() / 1000n). */
export interface ProfileWindow {
  from: number;
  to: number;
}

export interface SelfTime {
  name: string;
  micros: number;
}

/**
 * Who owns a frame: V8's own entries as they are ("(garbage collector)", "(program)" — native
 * code, the Temporal core among it — "(idle)"), Node's internals, a package under node_modules,
 * a top-level folder of the repository, or the script itself (the bundled workflows run from one).
 */
export function ownerOf(frame: CallFrame, repoRoot: string): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native, no script)';
  if (url.startsWith('node:')) return 'node runtime';
  const file = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  // The innermost package is the one whose code ran.
  const inModules = [...file.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].at(-1);
  if (inModules) return inModules[1]!;
  // Scripts without a file path (the workflow bundle, vm glue such as evalmachine.<anonymous>) go by their name.
  if (!path.isAbsolute(file)) return file;
  const relative = path.relative(repoRoot, file);
  // A file in a folder of the repository goes by the folder; the SDK names the bundle as a file at the root.
  if (!relative.startsWith('..') && relative.includes(path.sep)) return `tickflow ${relative.split(path.sep)[0]}/`;
  return path.basename(file);
}

/**
 * Self time of each group of frames that `groupOf` names, largest first: of the samples taken
 * within `window` when one is given (a benchmark's live phase, without the start-up's module loading).
 */
export function selfTimes(
  profile: CpuProfile,
  groupOf: (frame: CallFrame) => string,
  window?: ProfileWindow,
): SelfTime[] {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const totals = new Map<string, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window.from || at > window.to)) return;
    const name = groupOf(frames.get(id)!);
    totals.set(name, (totals.get(name) ?? 0) + delta);
  });
  return [...totals].map(([name, micros]) => ({ name, micros })).sort((a, b) => b.micros - a.micros);
}

const IDLE = '(idle)';

/** How busy the thread was (share of samples not idle), then "a 31 %, b 12 %, …" for the first `top` as shares of the busy time. */
export function formatTop(times: readonly SelfTime[], top: number): string {
  const all = times.reduce((sum, t) => sum + t.micros, 0);
  const busyTimes = times.filter((t) => t.name !== IDLE && !t.name.startsWith(`${IDLE} `));
  const busy = busyTimes.reduce((sum, t) => sum + t.micros, 0);
  const shares = busyTimes
    .slice(0, top)
    .map((t) => `${t.name} ${((100 * t.micros) / busy).toFixed(1)} %`)
    .join(', ');
  return `busy ${((100 * busy) / all).toFixed(0)} % of the time; of that: ${shares}`;
}

/** A frame as "function (file:line)", for the by-function list. */
export function frameName(frame: CallFrame, repoRoot: string): string {
  const where = frame.url === '' ? '' : ` (${path.basename(frame.url)}:${frame.lineNumber + 1})`;
  return `${frame.functionName || '(anonymous)'}${where} [${ownerOf(frame, repoRoot)}]`;
}
