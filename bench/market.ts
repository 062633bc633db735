/**
 * The US market in real time: 8,000 tickers, a one-minute bar each in a burst on the minute,
 * for ten minutes, with a model in service; arrival in Kinesis → prediction stored, exact per
 * bar. Then a cold start: the worker SIGKILLed and started again, the next burst sent at once,
 * and the seconds from the kill until every ticker has that bar stored and predicted. The floor
 * (floor-copier.ts) runs beside the bursts, half a period after each, so market / floor compares
 * two figures taken under the same host.
 *
 *   npm run bench:market -- [--tickers 8000] [--bursts 10] [--every 60]
 */
import { produce } from '../producer/produce';
import { benchStackSetup, withBenchStack } from './bench-stack';
import { burstsThroughPipeline } from './bursts-run';
import { floorBursts } from './floor-copier';
import { marketBursts } from './market-bursts';
import { benchOptions } from './options';
import { untilSeriesPredicted } from './pipeline-probes';
import { recordFigures, recordResults } from './results';

const {
  tickers: TICKERS,
  bursts: BURSTS,
  every: EVERY,
} = benchOptions('market', { tickers: 8000, bursts: 10, every: 60 });
const say = (line: string) => process.stderr.write(`[bench:market] ${line}\n`);
const MINUTE = 60_000;

async function main(): Promise<void> {
  const rows = await withBenchStack(
    say,
    async (stack) => {
      const shape = { tickers: TICKERS, bursts: BURSTS, everySeconds: EVERY };
      const market = await burstsThroughPipeline(stack, shape, say, () => floorBursts(stack, shape, EVERY / 2, say));
      const floor = market.beside!;
      const p99OverFloor = market.p99Ms / floor.p99Ms;
      const floorCpu = market.cpuPerBarIn(floor.windows, floor.bars);

      say('cold start: the worker SIGKILLed and started again, the next burst sent at once');
      const coldBar = market.lastBar + MINUTE;
      const killedAt = Date.now();
      await stack.killWorker();
      stack.restartWorker();
      const restartedAt = Date.now();
      await produce(stack.aws.kinesis, marketBursts(TICKERS, 1, EVERY, coldBar), {
        streamName: stack.config.stream.name,
      });
      const freshAt = await untilSeriesPredicted(stack, TICKERS, coldBar, 15 * MINUTE, say);
      const coldStartSeconds = (freshAt - killedAt) / 1000;

      recordFigures('market', {
        keptUp: market.keptUp,
        p50Ms: market.p50Ms,
        p99Ms: market.p99Ms,
        maxMs: market.maxMs,
        p99OverFloor,
        cpuMsPerBarInBursts: market.cpuMsPerBar,
        tickers: TICKERS,
        bursts: BURSTS,
        everySeconds: EVERY,
      });
      recordFigures('floor', {
        p50Ms: floor.p50Ms,
        p99Ms: floor.p99Ms,
        cpuMsPerBarInBursts: floorCpu.ms,
        tickers: TICKERS,
        bursts: BURSTS,
      });
      recordFigures('coldStart', { seconds: coldStartSeconds, tickers: TICKERS });
      recordFigures('worker', { peakRssMiB: Math.round(market.peakRssMiB), tickers: TICKERS });
      return [
        ...market.rows,
        ...floor.rows,
        [
          'floor: CPU per bar while a burst is in flight (its first arrival → its last bar written), by process (the copier is the benchmark)',
          floorCpu.text,
        ],
        ['market p99 / floor p99', p99OverFloor.toFixed(2)],
        [
          'cold start: SIGKILL → every ticker fresh again (the next burst stored and predicted)',
          `${coldStartSeconds.toFixed(1)} s (${((freshAt - restartedAt) / 1000).toFixed(1)} s from the restart; it includes the dead worker's shard activities timing out on their heartbeats and a cold read of every series, here ${BURSTS + 2} stored bars each)`,
        ],
      ] as Array<[string, string]>;
    },
    { role: 'all', env: { TICKFLOW_TRAINING_INTERVAL: '1m' } },
  );
  recordResults(
    'market',
    'The US market: 8,000 tickers, a bar each per minute, predictions on; cold start',
    `npm run bench:market -- --tickers ${TICKERS} --bursts ${BURSTS} --every ${EVERY}`,
    rows,
    benchStackSetup,
  );
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(60)} ${v}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:market failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
