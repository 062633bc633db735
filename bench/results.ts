import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const FILE = path.join(__dirname, 'RESULTS.md');

function machine(): string {
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: __dirname }).toString().trim();
    } catch {
      return 'unknown';
    }
  })();
  return `${new Date().toISOString().slice(0, 10)}, commit ${commit}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}`;
}

/** Replaces (or appends) one benchmark's section of bench/RESULTS.md, between its markers. */
export function recordResults(id: string, title: string, command: string, rows: Array<[string, string]>, setup?: string): void {
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
  const current = existsSync(FILE) ? readFileSync(FILE, 'utf8') : '# Benchmark results\n\nWritten by the benchmarks in bench/; each section by its own command.\n';
  const pattern = new RegExp(`<!-- ${id}:begin -->[\\s\\S]*?<!-- ${id}:end -->`);
  writeFileSync(FILE, pattern.test(current) ? current.replace(pattern, section) : `${current.trimEnd()}\n\n${section}\n`);
}
