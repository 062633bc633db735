/**
 * Every benchmark in one run, at the sizes bench/RESULTS.md records, one after another (each
 * on a fresh bench stack, so none sees another's load). `npm run bench`.
 */
import { recordMarketOverFloor, startResultsRun } from './results';
import { BENCHMARKS, runBenchmark } from './suite';

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    process.stdout.write(`usage: npm run bench\nruns, in order:\n${BENCHMARKS.map((b) => `  ${b.name.padEnd(14)} ${b.about}`).join('\n')}\none at a time: tickflow bench <name> [-- options]\n`);
    return;
  }
  const started = Date.now();
  startResultsRun();
  // Each benchmark adds its section to bench/results.json under this run's head.
  process.env.TICKFLOW_BENCH_RUN = new Date(started).toISOString();
  const failed: string[] = [];
  for (const [i, benchmark] of BENCHMARKS.entries()) {
    process.stderr.write(`\n[bench] ${i + 1}/${BENCHMARKS.length} ${benchmark.name}: ${benchmark.about}\n`);
    const t0 = Date.now();
    const code = await runBenchmark(benchmark);
    process.stderr.write(`[bench] ${benchmark.name} ${code === 0 ? 'done' : `FAILED (exit ${code})`} in ${((Date.now() - t0) / 60_000).toFixed(1)} min\n`);
    if (code !== 0) failed.push(benchmark.name);
  }
  recordMarketOverFloor();
  process.stderr.write(`\n[bench] all done in ${((Date.now() - started) / 60_000).toFixed(1)} min; results in bench/RESULTS.md and bench/results.json${failed.length ? `; failed: ${failed.join(', ')}` : ''}\n`);
  if (failed.length) process.exitCode = 1;
}

void main();
