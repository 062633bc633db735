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
  const relative = path.relative(repoRoot, file);
  if (!relative.startsWith('..') && !path.isAbsolute(relative)) return `tickflow ${relative.split(path.sep)[0]}/`;
  return path.basename(file);
}

/** Self time of each group of frames that `groupOf` names, largest first. */
export function selfTimes(profile: CpuProfile, groupOf: (frame: CallFrame) => string): SelfTime[] {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const name = groupOf(frames.get(id)!);
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return [...totals].map(([name, micros]) => ({ name, micros })).sort((a, b) => b.micros - a.micros);
}

/** "a 31 %, b 12 %, …" for the first `top`, as shares of every sample (idle included, and named as such). */
export function formatTop(times: readonly SelfTime[], top: number): string {
  const all = times.reduce((sum, t) => sum + t.micros, 0);
  return times
    .slice(0, top)
    .map((t) => `${t.name} ${((100 * t.micros) / all).toFixed(1)} %`)
    .join(', ');
}

/** A frame as "function (file:line)", for the by-function list. */
export function frameName(frame: CallFrame, repoRoot: string): string {
  const where = frame.url === '' ? '' : ` (${path.basename(frame.url)}:${frame.lineNumber + 1})`;
  return `${frame.functionName || '(anonymous)'}${where} [${ownerOf(frame, repoRoot)}]`;
}
