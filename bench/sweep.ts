/**
 * Where lag starts to grow, with predictions on: N tickers on one stack with a model in
 * service for their interval, fed at rising rates (each for `--seconds`). For each rate: did
 * the pipeline keep up (the last burst stored and predicted before the next would come), freshness arrival → stored (the worker's histogram) and arrival → prediction
 * stored (exact, per bar, from the stream's arrival times and the predictions' own).
 *
 *   npm run bench:sweep -- [--tickers 1000] [--rates 0.02,0.05,0.1,0.2,1] [--seconds 30]
 */
import { syntheticTickerName } from '../domain/synthetic';
import { produce } from '../producer/produce';
import { syntheticSource } from '../producer/sources/synthetic';
import { servedAndWarm } from './bench-model';
import { benchStackSetup, withBenchStack } from './bench-stack';
import { benchOptions } from './options';
import {
  arrivalTimes,
  between,
  freshnessHistogram,
  histogramQuantiles,
  latencySummary,
  predictionLatencies,
  untilPredicted,
  untilStored,
} from './pipeline-probes';
import { recordResults } from './results';

const {
  tickers: TICKERS,
  rates: RATES,
  seconds: SECONDS,
} = benchOptions('sweep', { tickers: 1000, rates: [0.02, 0.05, 0.1, 0.2, 1], seconds: 30 });
const say = (line: string) => process.stderr.write(`[bench:sweep] ${line}\n`);
const MINUTE = 60_000;
const LIMIT_MS = 30 * MINUTE;
/**
 * Bars come in bursts, one for every ticker at each step (as minute bars do). A rate is kept
 * up with when the last burst is stored and predicted before the next one would come (5 s at
 * least): otherwise each burst starts behind the one before, and lag grows.
 */
const keptUp = (step: Step) => step.predictedMs <= Math.max(5_000, 1000 / step.rate);

interface Step {
  rate: number;
  from: number;
  to: number;
  producedMs: number;
  storedMs: number;
  predictedMs: number;
  stored: string;
  /** CPU by process from the first bar sent to the last one predicted */
  cpu: string;
}

async function main(): Promise<void> {
  const rows = await withBenchStack(
    say,
    async (stack) => {
      const { config, aws } = stack;
      const stream = { streamName: config.stream.name };
      const tickers = Array.from({ length: TICKERS }, (_, i) => syntheticTickerName(i));
      const { model, next: firstBar } = await servedAndWarm(stack, tickers, say);
      let next = firstBar;

      const steps: Step[] = [];
      for (const [i, rate] of RATES.entries()) {
        const bars = Math.max(1, Math.round(SECONDS * rate));
        say(`rate ${rate}/ticker/s = ${(rate * TICKERS).toFixed(0)} bars/s offered, ${bars} bar(s) per ticker`);
        const before = await freshnessHistogram(stack);
        const t0 = Date.now();
        const cpu = stack.cpuMeter();
        await produce(
          aws.kinesis,
          syntheticSource({ tickers: TICKERS, bars, seed: 100 + i, interval: '1m', rate, startTime: next }),
          stream,
        );
        const producedAt = Date.now();
        const last = next + (bars - 1) * MINUTE;
        const storedAt = await untilStored(stack, TICKERS, last, LIMIT_MS, say);
        const stored = histogramQuantiles(between(before, await freshnessHistogram(stack)));
        const predictedAt = await untilPredicted(stack, tickers, '1m', last, LIMIT_MS, say);
        steps.push({
          rate,
          from: next,
          to: last,
          producedMs: producedAt - t0,
          storedMs: storedAt - producedAt,
          predictedMs: predictedAt - producedAt,
          stored,
          cpu: cpu(),
        });
        next = last + MINUTE;
      }

      say('reading arrival times back from the stream');
      const arrivals = await arrivalTimes(stack);
      const result: Array<[string, string]> = [
        ['data', `${TICKERS} tickers, 1-minute bars, predictions on (model ${model}); each rate for ${SECONDS} s`],
      ];
      for (const step of steps) {
        const predicted = latencySummary(
          (await predictionLatencies(stack, arrivals, tickers, '1m', step.from, step.to)).map((l) => l.ms),
        );
        const label = `${(step.rate * TICKERS).toFixed(0)} bars/s offered (${step.rate}/ticker/s)`;
        result.push(
          [
            `${label}: kept up?`,
            keptUp(step)
              ? `yes (last bar predicted ${(step.predictedMs / 1000).toFixed(1)} s after the producer finished)`
              : `no: last bar stored ${(step.storedMs / 1000).toFixed(0)} s, predicted ${(step.predictedMs / 1000).toFixed(0)} s after the producer finished (${(step.producedMs / 1000).toFixed(0)} s)`,
          ],
          [`${label}: freshness arrival → stored p50 / p95 / p99`, `${step.stored} ms`],
          [`${label}: freshness arrival → prediction stored p50 / p95 / p99 / max`, predicted],
          [`${label}: CPU by process until predicted (% of one core)`, step.cpu],
        );
      }
      const sustained = steps.filter(keptUp).at(-1);
      const first = steps.find((s) => !keptUp(s));
      result.push([
        'where lag starts to grow',
        first
          ? `between ${sustained ? (sustained.rate * TICKERS).toFixed(0) : '0'} and ${(first.rate * TICKERS).toFixed(0)} bars/s offered`
          : `not within the rates run (up to ${(RATES.at(-1)! * TICKERS).toFixed(0)} bars/s)`,
      ]);
      result.push(['worker peak RSS', `${(stack.peakRssKb() / 1024).toFixed(0)} MiB`]);
      return result;
    },
    { role: 'all', env: { TICKFLOW_TRAINING_INTERVAL: '1m' } },
  );
  recordResults(
    'sweep',
    `Where lag starts to grow: ${TICKERS.toLocaleString()} tickers, predictions on`,
    `npm run bench:sweep -- --tickers ${TICKERS} --rates ${RATES.join(',')} --seconds ${SECONDS}`,
    rows,
    benchStackSetup,
  );
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(60)} ${v}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:sweep failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
