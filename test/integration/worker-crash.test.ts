import { readFileSync } from 'node:fs';
import { IndicatorSet } from '../../domain/indicators';
import { BLOCK_BARS, contiguousBlocks, warmupInput } from '../../domain/warmup-blocks';
import { parseYahooCsv } from '../../domain/yahoo-csv';
import { produce } from '../../producer/produce';
import { packagedDataset, replaySource } from '../../producer/sources/replay';
import { BarsStore } from '../../store/bars-store';
import { firstMismatch } from '../reference/indicators';
import { openContext, startWorker, waitFor, waitForIngestion, type TestContext, type WorkerProcess } from './harness';

// Tiny batches: many activities, so a SIGKILL lands mid-replay and mid-batch.
const workerEnv = { TICKFLOW_MAX_BARS_PER_BATCH: '20', TICKFLOW_READ_LIMIT: '60', TICKFLOW_BATCHES_PER_RUN: '10' };
const TICKER = 'CRASH';
const aapl = parseYahooCsv(readFileSync(packagedDataset('aapl'), 'utf8'));

describe('ingest worker SIGKILLed mid-replay', () => {
  let context: TestContext;
  const workers: WorkerProcess[] = [];
  const storedCounts: number[] = [];

  beforeAll(async () => {
    context = await openContext(workerEnv);
    const bars = new BarsStore(context.aws.documents, context.config.tables.bars);
    const summary = await produce(
      context.aws.kinesis,
      replaySource({ file: packagedDataset('aapl'), ticker: TICKER, interval: '1d', speed: 'max' }),
      { streamName: context.config.stream.name },
    );
    for (const threshold of [150, 600]) {
      const worker = startWorker(`crash-${threshold}`, workerEnv);
      workers.push(worker);
      storedCounts.push(
        await waitFor(
          `${threshold} bars stored`,
          async () => {
            const count = await bars.count(TICKER, '1d');
            return count >= threshold && count;
          },
          180_000,
          50,
        ),
      );
      await worker.kill('SIGKILL');
    }
    const survivor = startWorker('crash-final', workerEnv);
    workers.push(survivor);
    await waitForIngestion(context, summary.lastSequenceByShard, [{ ticker: TICKER, interval: '1d' }], survivor);
  });

  afterAll(async () => {
    for (const worker of workers) await worker.kill('SIGTERM');
    await context?.close();
  });

  test('the kills really happened mid-replay', () => {
    expect(workers.slice(0, 2).map((w) => w.child.signalCode)).toEqual(['SIGKILL', 'SIGKILL']);
    expect(storedCounts.every((n) => n < aapl.length)).toBe(true);
  });

  test('every bar is stored exactly once with the values of an uninterrupted run', async () => {
    const stored = await new BarsStore(context.aws.documents, context.config.tables.bars).range(TICKER, '1d');
    expect(stored.map((b) => b.t)).toEqual(aapl.map((b) => b.t));
    const uninterrupted = IndicatorSet.empty();
    stored.forEach((bar, i) => {
      const expected = uninterrupted.add(aapl[i]!) as unknown as Record<string, number | null>;
      const mismatch = firstMismatch(bar as unknown as Record<string, unknown>, expected);
      if (mismatch) throw new Error(`bar ${i} ${bar.time}: ${mismatch}`);
    });
  });

  test('the warm-up blocks a cold start reads form one chain over the series across both kills, equal to the stored bars', async () => {
    const bars = new BarsStore(context.aws.documents, context.config.tables.bars);
    const stored = await bars.range(TICKER, '1d');
    const chain = contiguousBlocks(await bars.newestBlocks(TICKER, '1d', 1000)).reverse();
    expect(chain).toHaveLength(Math.floor(stored.length / BLOCK_BARS));
    expect(chain[0]!.after).toBeNull();
    const inputs = chain.flatMap((block) => block.inputs);
    expect(inputs).toEqual(stored.slice(0, inputs.length).map(warmupInput));
  });
});
