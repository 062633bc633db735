import { readFileSync } from 'node:fs';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { parseYahooCsv } from '../../domain/yahoo-csv';
import { produce } from '../../producer/produce';
import { packagedDataset, replaySource } from '../../producer/sources/replay';
import { BarsStore } from '../../store/bars-store';
import { readStatus } from '../../cli/commands/read';
import { listShards } from '../../clients/kinesis-shards';
import { shardReaderWorkflowId, tickerWorkflowId } from '../../workflows/workflow-ids';
import { checkpointQuery } from '../../workflows/shard-reader';
import { firstMismatch, referenceIndicators } from '../reference/indicators';
import {
  openContext,
  replayHistories,
  startWorker,
  waitForIngestion,
  type TestContext,
  type WorkerProcess,
} from './harness';

// Small reads make the replay cross many read and heartbeat boundaries.
const workerEnv = { TICKFLOW_MAX_BARS_PER_BATCH: '100', TICKFLOW_READ_LIMIT: '300', TICKFLOW_BATCHES_PER_RUN: '4' };
Runtime.install({ logger: new DefaultLogger('WARN') });
const aapl = parseYahooCsv(readFileSync(packagedDataset('aapl'), 'utf8'));

describe('AAPL history through the real local stack', () => {
  let context: TestContext;
  let worker: WorkerProcess;

  beforeAll(async () => {
    context = await openContext(workerEnv);
    worker = startWorker('replay', workerEnv);
    const summary = await produce(
      context.aws.kinesis,
      replaySource({ file: packagedDataset('aapl'), ticker: 'AAPL', interval: '1d', speed: 'max' }),
      { streamName: context.config.stream.name },
    );
    expect(summary.sent).toBe(1260);
    await waitForIngestion(context, summary.lastSequenceByShard, [{ ticker: 'AAPL', interval: '1d' }], worker);
  });

  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await context?.close();
  });

  test('every bar is stored exactly once, in order, with indicators equal to an independent reference (≤ 1e-9)', async () => {
    const stored = await new BarsStore(context.aws.documents, context.config.tables.bars).range('AAPL', '1d');
    expect(stored).toHaveLength(aapl.length);
    expect(stored.map((b) => b.t)).toEqual(aapl.map((b) => b.t));
    const expected = referenceIndicators(aapl);
    stored.forEach((bar, i) => {
      expect({ o: bar.o, h: bar.h, l: bar.l, c: bar.c, v: bar.v }).toEqual({
        o: aapl[i]!.o,
        h: aapl[i]!.h,
        l: aapl[i]!.l,
        c: aapl[i]!.c,
        v: aapl[i]!.v,
      });
      const mismatch = firstMismatch(bar as unknown as Record<string, unknown>, expected[i]!);
      if (mismatch) throw new Error(`bar ${i} ${bar.time}: ${mismatch}`);
    });
  });

  test('status reports 1,260 AAPL bars with the last bar and its indicators', async () => {
    const status = await readStatus(context.aws, context.config, 'AAPL', '1d');
    expect(status.tickers).toEqual([
      expect.objectContaining({ ticker: 'AAPL', interval: '1d', bars: 1260, lastBarTime: '2018-05-11T00:00:00.000Z' }),
    ]);
    expect(status.tickers[0]!.indicators.rsi14).toEqual(expect.any(Number));
  });

  test('the shard readers did it on the fast path: no ticker workflow, and their counters include the 1,260 bars', async () => {
    const tickerRuns = [];
    for await (const run of context.temporal.workflow.list({
      query: `WorkflowId = '${tickerWorkflowId('AAPL', '1d')}'`,
    }))
      tickerRuns.push(run);
    expect(tickerRuns).toEqual([]);
    const checkpoints = await Promise.all(
      (await listShards(context.aws.kinesis, context.config.stream.name)).map((s) =>
        context.temporal.workflow
          .getHandle(shardReaderWorkflowId(context.config.stream.name, s.ShardId!))
          .query(checkpointQuery),
      ),
    );
    // A read retried after a lost heartbeat counts what its lost attempt stored as redelivered.
    const stored = checkpoints.reduce((n, c) => n + c.counters.stored + c.counters.redelivered, 0);
    expect(stored).toBeGreaterThanOrEqual(1260);
    expect(checkpoints.every((c) => c.runs >= 1)).toBe(true);
  });

  test('recorded histories replay without non-determinism', async () => {
    await replayHistories(
      context,
      `WorkflowId = '${tickerWorkflowId('AAPL', '1d')}' OR WorkflowType = 'shardReaderWorkflow'`,
      1,
    );
  });
});
