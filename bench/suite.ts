import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../config/config';

export interface Benchmark {
  name: string;
  script: string;
  about: string;
  /** The arguments `npm run bench` uses: the sizes bench/RESULTS.md records. */
  args: string[];
}

/** Every benchmark, in the order `npm run bench` runs them: quick and stack-free first. */
export const BENCHMARKS: readonly Benchmark[] = [
  {
    name: 'indicators',
    script: 'indicators.ts',
    about: 'the indicator set over 1M bars vs TA-Lib C, npm talib and technicalindicators',
    args: ['--bars', '1000000', '--runs', '5'],
  },
  {
    name: 'dynamodb-local',
    script: 'dynamodb-local.ts',
    about: 'DynamoDB Local writes per second on disk, on tmpfs and in memory (TICKFLOW_DYNAMODB_DATA)',
    args: ['--items', '4000', '--runs', '3'],
  },
  {
    name: 'temporal-cost',
    script: 'temporal-cost.ts',
    about: 'Temporal actions per bar from real histories, cost per ticker-month',
    args: ['--tickers', '20', '--steps', '30'],
  },
  {
    name: 'model',
    script: 'model.ts',
    about: 'training time (500 tickers × 5 years daily) and InvokeEndpoint latency',
    args: ['--tickers', '500', '--years', '5', '--calls', '200'],
  },
  {
    name: 'baseline',
    script: 'baseline.ts',
    about: 'tickflow vs a seed-style per-record handler, predictions on, same data',
    args: ['--tickers', '100', '--bars', '30', '--runs', '5'],
  },
  {
    name: 'throughput',
    script: 'throughput.ts',
    about: 'bars/s, freshness and worker memory at 100 and 1,000 tickers × 1 bar/s',
    args: ['--tickers', '100,1000', '--backlog', '20', '--rate', '1', '--seconds', '30'],
  },
  {
    name: 'sweep',
    script: 'sweep.ts',
    about: 'where lag starts to grow at 1,000 tickers, predictions on; freshness to prediction stored',
    args: ['--tickers', '1000', '--rates', '0.02,0.05,0.1,0.2,1', '--seconds', '30'],
  },
  {
    name: 'worker-profile',
    script: 'worker-profile.ts',
    about: "where the worker's time goes at 1,000 tickers × 1 bar/s, predictions on (V8 CPU profile)",
    args: ['--tickers', '1000', '--rate', '1', '--seconds', '30'],
  },
  {
    name: 'warm-up',
    script: 'warm-up.ts',
    about: 'cold start of a series with 1,000 stored bars: its state rebuilt from storage; what 8,000 would take',
    args: ['--tickers', '200', '--bars', '1000'],
  },
  {
    name: 'market',
    script: 'market.ts',
    about:
      "the US market: 8,000 tickers, a bar each per minute for 10 minutes, predictions on, with this stack's floor beside it; then a SIGKILLed worker's cold start",
    args: ['--tickers', '8000', '--bursts', '10', '--every', '60'],
  },
  {
    name: 'ten-x',
    script: 'ten-x.ts',
    about: 'ten times the market: 8,000 tickers, a bar each every 6 s, predictions on',
    args: ['--tickers', '8000', '--bursts', '20', '--every', '6'],
  },
  {
    name: 'scale',
    script: 'scale.ts',
    about: '500 synthetic tickers and the real datasets together',
    args: ['--tickers', '500', '--bars', '60'],
  },
];

export function findBenchmark(name: string): Benchmark {
  const found = BENCHMARKS.find((b) => b.name === name);
  if (!found) throw new Error(`no benchmark "${name}"; there are: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  return found;
}

/** Runs one benchmark in its own process (each sets up its own stack and environment); resolves with its exit code. */
export function runBenchmark(benchmark: Benchmark, args: readonly string[] = benchmark.args): Promise<number> {
  const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
  const child = spawn(tsx, [path.join(repoRoot, 'bench', benchmark.script), ...args], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
