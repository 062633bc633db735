/**
 * Every benchmark in one run, at the sizes bench/RESULTS.md records, one after another (each
 * on a fresh bench stack, so none sees another's load). `npm run bench`; `-- --only a,b` runs
 * some of them, still as one run of bench/results.json.
 */
import { parseArgs } from 'node:util';
import { recordTargets, startResultsRun } from './results';
import { BENCHMARKS, findBenchmark, runBenchmark } from './suite';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    process.stdout.write(
      `usage: npm run bench [-- --only name,name]\nruns, in order:\n${BENCHMARKS.map((b) => `  ${b.name.padEnd(14)} ${b.about}`).join('\n')}\none at a time: tickflow bench <name> [-- options]\n`,
    );
    return;
  }
  const chosen =
    values.only === undefined ? BENCHMARKS : values.only.split(',').map((name) => findBenchmark(name.trim()));
  const started = Date.now();
  startResultsRun(chosen.map((b) => b.name));
  // Each benchmark adds its section to bench/results.json under this run's head.
  process.env.TICKFLOW_BENCH_RUN = new Date(started).toISOString();
  const failed: string[] = [];
  for (const [i, benchmark] of chosen.entries()) {
    process.stderr.write(`\n[bench] ${i + 1}/${chosen.length} ${benchmark.name}: ${benchmark.about}\n`);
    const t0 = Date.now();
    const code = await runBenchmark(benchmark);
    process.stderr.write(
      `[bench] ${benchmark.name} ${code === 0 ? 'done' : `FAILED (exit ${code})`} in ${((Date.now() - t0) / 60_000).toFixed(1)} min\n`,
    );
    if (code !== 0) failed.push(benchmark.name);
  }
  recordTargets(failed);
  process.stderr.write(
    `\n[bench] all done in ${((Date.now() - started) / 60_000).toFixed(1)} min; results in bench/RESULTS.md and bench/results.json${failed.length ? `; failed: ${failed.join(', ')}` : ''}\n`,
  );
  if (failed.length) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
