/**
 * Ten times the market: 8,000 tickers, a bar each every 6 s (1,333 bars/s on average), with a
 * model in service; arrival in Kinesis → prediction stored, exact per bar.
 *
 *   npm run bench:ten-x -- [--tickers 8000] [--bursts 20] [--every 6]
 */
import { benchStackSetup, withBenchStack } from './bench-stack';
import { burstsThroughPipeline } from './bursts-run';
import { benchOptions } from './options';
import { recordFigures, recordResults } from './results';

const {
  tickers: TICKERS,
  bursts: BURSTS,
  every: EVERY,
} = benchOptions('ten-x', { tickers: 8000, bursts: 20, every: 6 });
const say = (line: string) => process.stderr.write(`[bench:ten-x] ${line}\n`);

async function main(): Promise<void> {
  const rows = await withBenchStack(
    say,
    async (stack) => {
      const run = await burstsThroughPipeline(stack, { tickers: TICKERS, bursts: BURSTS, everySeconds: EVERY }, say);
      recordFigures('tenX', {
        keptUp: run.keptUp,
        p50Ms: run.p50Ms,
        p99Ms: run.p99Ms,
        maxMs: run.maxMs,
        barsPerSecond: Math.round(TICKERS / EVERY),
        drainMs: run.drainMs,
        cpuMsPerBarInBursts: run.cpuMsPerBar,
      });
      return run.rows;
    },
    { role: 'all', env: { TICKFLOW_TRAINING_INTERVAL: '1m' } },
  );
  recordResults(
    'ten-x',
    'Ten times the market: 8,000 tickers, a bar each every 6 s, predictions on',
    `npm run bench:ten-x -- --tickers ${TICKERS} --bursts ${BURSTS} --every ${EVERY}`,
    rows,
    benchStackSetup,
  );
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(60)} ${v}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:ten-x failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
