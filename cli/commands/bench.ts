import type { Command } from 'commander';
import { BENCHMARKS, findBenchmark, runBenchmark } from '../../bench/suite';

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description(
      `run one benchmark on its own local stack and record it in bench/RESULTS.md (all of them: npm run bench)\n${BENCHMARKS.map((b) => `  ${b.name.padEnd(14)} ${b.about}`).join('\n')}`,
    )
    .argument('[name]', 'the benchmark; none lists them')
    .argument(
      '[options...]',
      "the benchmark's own options after --, e.g. tickflow bench throughput -- --tickers 100 (default: the recorded sizes)",
    )
    .action(async (name: string | undefined, options: string[]) => {
      if (!name) {
        for (const b of BENCHMARKS) process.stdout.write(`${b.name.padEnd(14)} ${b.about} (${b.args.join(' ')})\n`);
        return;
      }
      const benchmark = findBenchmark(name);
      const code = await runBenchmark(benchmark, options.length > 0 ? options : benchmark.args);
      if (code !== 0) process.exitCode = code;
    });
}
