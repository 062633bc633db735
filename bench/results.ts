import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { targetRows } from './targets';

const FILE = path.join(__dirname, 'RESULTS.md');
const JSON_FILE = path.join(__dirname, 'results.json');

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: __dirname }).toString().trim();
  } catch {
    return 'unknown';
  }
}

const machineModel = () =>
  `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}`;

function machine(): string {
  return `${new Date().toISOString().slice(0, 10)}, commit ${commit()}, ${machineModel()}`;
}

/** A benchmark's figures for machines: flat values under its key in bench/results.json. */
export type BenchFigures = Record<string, number | boolean | string>;

interface ResultsJson {
  commit: string;
  date: string;
  machine: string;
  /** Set by `npm run bench`: every section below comes from that one run, which ran these benchmarks. */
  run?: string;
  benchmarks?: string[];
  /** Those of `benchmarks` that failed: their sections (here and in RESULTS.md) are from earlier runs, if any. */
  failed?: string[];
  [section: string]: unknown;
}

function readResultsJson(): ResultsJson | undefined {
  return existsSync(JSON_FILE) ? (JSON.parse(readFileSync(JSON_FILE, 'utf8')) as ResultsJson) : undefined;
}

function writeResultsJson(results: ResultsJson): void {
  writeFileSync(JSON_FILE, `${JSON.stringify(results, null, 2)}\n`);
}

/**
 * Starts bench/results.json afresh for one `npm run bench`: its commit, date and machine head
 * the file, and every benchmark of that run adds its section (`recordFigures`).
 */
export function startResultsRun(benchmarks: readonly string[]): void {
  const date = new Date().toISOString();
  writeResultsJson({ commit: commit(), date, machine: machineModel(), run: date, benchmarks: [...benchmarks] });
}

/**
 * Sets one benchmark's section of bench/results.json. Outside `npm run bench` the section says
 * its own commit and date, since the file's head is then another run's.
 */
export function recordFigures(section: string, figures: BenchFigures): void {
  const inRun = process.env.TICKFLOW_BENCH_RUN !== undefined;
  const current = readResultsJson() ?? { commit: commit(), date: new Date().toISOString(), machine: machineModel() };
  const own = inRun ? {} : { commit: commit(), date: new Date().toISOString() };
  writeResultsJson({ ...current, [section]: { ...figures, ...own } });
}

/**
 * RESULTS.md's targets section, judged from bench/results.json as it stands (one run's, after
 * `npm run bench`); `failed` names the run's benchmarks that failed, in both files.
 */
export function recordTargets(failed: readonly string[] = []): void {
  const current = readResultsJson();
  if (!current) return;
  const results = failed.length > 0 ? { ...current, failed: [...failed] } : current;
  if (failed.length > 0) writeResultsJson(results);
  const command = `npm run bench${results.benchmarks ? ` -- --only ${results.benchmarks.join(',')}` : ''}`;
  recordResults(
    'targets',
    'Targets of the shard-read data plane, judged from bench/results.json',
    command,
    targetRows(results),
    `judged from the run of ${results.date} at commit ${results.commit}${failed.length > 0 ? `; failed in that run: ${failed.join(', ')} (their sections are from earlier runs)` : ''}`,
  );
}

/** Replaces (or appends) one benchmark's section of bench/RESULTS.md, between its markers. */
export function recordResults(
  id: string,
  title: string,
  command: string,
  rows: Array<[string, string]>,
  setup?: string,
): void {
  const section = [
    `<!-- ${id}:begin -->`,
    `## ${title}`,
    '',
    `\`${command}\` — ${machine()}${setup ? `; ${setup}` : ''}`,
    '',
    '| measure | value |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    `<!-- ${id}:end -->`,
  ].join('\n');
  const current = existsSync(FILE)
    ? readFileSync(FILE, 'utf8')
    : '# Benchmark results\n\nWritten by the benchmarks in bench/; each section by its own command.\n';
  const pattern = new RegExp(`<!-- ${id}:begin -->[\\s\\S]*?<!-- ${id}:end -->`);
  writeFileSync(
    FILE,
    pattern.test(current) ? current.replace(pattern, section) : `${current.trimEnd()}\n\n${section}\n`,
  );
}
