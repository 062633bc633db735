import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { IndicatorSet } from '../../domain/indicators';
import { barEvent, encodeMarketEvent, type Bar } from '../../domain/market-event';
import { SyntheticMarket } from '../../domain/synthetic';
import { bootstrapResources } from '../../local/bootstrap';
import { BarsStore } from '../../store/bars-store';
import { seriesKey } from '../../domain/series-key';
import { listFailedBatches, type FailedSeries } from '../../operations/batches';
import { tickerWorkflowId } from '../../workflows/workflow-ids';
import { progressQuery } from '../../workflows/ticker';
import { firstMismatch } from '../reference/indicators';
import {
  openContext,
  replayHistories,
  startWorker,
  waitFor,
  waitForIngestion,
  type TestContext,
  type WorkerProcess,
  runTickflow,
} from './harness';

// Own stream and tables: this suite deletes its bars table to make a batch fail for good.
const suiteEnv = {
  TICKFLOW_STREAM: 'tickflow-failing',
  TICKFLOW_SHARDS: '2',
  TICKFLOW_TABLE_PREFIX: 'tickflow-failing',
  TICKFLOW_TRAINING_INTERVAL: '1d',
};
const TICKER = 'FAIL';
const market = new SyntheticMarket({
  tickers: 1,
  seed: 29,
  startTime: Date.parse('2024-04-01T14:30:00Z'),
  stepMs: 60_000,
});
const bars: Bar[] = Array.from({ length: 90 }, () => market.next()[0]!.bar);

const tickflow = (...args: string[]) => runTickflow(args, suiteEnv);

describe('a batch that fails for good, then is replayed', () => {
  let context: TestContext;
  let worker: WorkerProcess;
  let store: BarsStore;
  let failed: FailedSeries;
  let heldBeforeReplay = 0;
  const lastSequenceByShard: Record<string, string> = {};

  const send = async (slice: Bar[]) => {
    const result = await context.aws.kinesis.send(
      new PutRecordsCommand({
        StreamName: context.config.stream.name,
        Records: slice.map((bar) => ({
          PartitionKey: TICKER,
          Data: Buffer.from(encodeMarketEvent(barEvent(TICKER, '1m', bar))),
        })),
      }),
    );
    expect(result.FailedRecordCount ?? 0).toBe(0);
    for (const record of result.Records ?? []) lastSequenceByShard[record.ShardId!] = record.SequenceNumber!;
  };
  const progress = () => context.temporal.workflow.getHandle(tickerWorkflowId(TICKER, '1m')).query(progressQuery);
  const expectUninterruptedRows = async () => {
    const stored = await store.range(TICKER, '1m');
    expect(stored.map((b) => b.t)).toEqual(bars.map((b) => b.t));
    const reference = IndicatorSet.empty();
    stored.forEach((row, i) => {
      const mismatch = firstMismatch(
        row as unknown as Record<string, unknown>,
        reference.add(bars[i]!) as unknown as Record<string, number | null>,
      );
      if (mismatch) throw new Error(`bar ${i} ${row.time}: ${mismatch}`);
    });
  };

  beforeAll(async () => {
    context = await openContext(suiteEnv);
    await bootstrapResources(context.config, context.aws);
    store = new BarsStore(context.aws.documents, context.config.tables.bars);
    worker = startWorker('failed-batches', suiteEnv);
    await send(bars.slice(0, 40));
    await waitForIngestion(context, lastSequenceByShard, [{ ticker: TICKER, interval: '1m' }], worker);

    // The cause: the bars table disappears (a client fault, not an outage: retrying cannot help).
    const snapshot = await store.range(TICKER, '1m');
    await context.aws.dynamodb.send(new DeleteTableCommand({ TableName: context.config.tables.bars }));
    await send(bars.slice(40, 60));
    failed = await waitFor(
      'the failed batch to be listed',
      async () => (await listFailedBatches(context.temporal)).find((f) => f.ticker === TICKER),
      60_000,
    );
    await send(bars.slice(60));
    heldBeforeReplay = await waitFor(
      'later batches held',
      async () => (await progress()).pendingBatches || undefined,
      30_000,
    );

    // The fix: the table restored from its backup.
    await bootstrapResources(context.config, context.aws);
    await store.put(snapshot);
  });

  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await context?.close();
  });

  test('the failed batch is listed with its reason, found by BatchStatus=Failed, and the ticker holds later batches', async () => {
    expect(failed.reason).toMatch(/ResourceNotFoundException/);
    expect(failed.firstBarTime).toBe(bars[40]!.t);
    expect(failed.batchIds.length).toBeGreaterThan(0);
    expect(heldBeforeReplay).toBeGreaterThan(0);
    const { stdout } = await tickflow('failed', '--json');
    expect(JSON.parse(stdout)).toEqual([
      expect.objectContaining({ ticker: TICKER, interval: '1m', batchIds: failed.batchIds, reason: failed.reason }),
    ]);
    expect(await store.count(TICKER, '1m')).toBe(40);
  });

  test('replaying an unknown batch is refused with a clear message', async () => {
    await expect(tickflow('replay', 'shardId-000000000000:1-2')).rejects.toMatchObject({
      stderr: expect.stringMatching(/no ticker is halted on batch shardId-000000000000:1-2/),
    });
  });

  test('after the fix, replay re-reads the batch from the stream and the series equals an uninterrupted run', async () => {
    const { stdout } = await tickflow('replay', failed.batchIds[0]!, '--json');
    expect(JSON.parse(stdout)).toMatchObject({ ticker: TICKER, bars: failed.bars });
    await waitForIngestion(context, lastSequenceByShard, [{ ticker: TICKER, interval: '1m' }], worker);
    await expectUninterruptedRows();
    expect((await progress()).failure).toBeNull();
    await waitFor(
      'BatchStatus=Ok in visibility',
      async () => (await listFailedBatches(context.temporal)).length === 0,
      30_000,
    );
  });

  test('a range replay rebuilds lost and damaged rows from the stream', async () => {
    const documents = context.aws.documents;
    for (const i of [10, 11, 12])
      await documents.send(
        new DeleteCommand({
          TableName: context.config.tables.bars,
          Key: { pk: seriesKey(TICKER, '1m'), t: bars[i]!.t },
        }),
      );
    const damaged = (await store.range(TICKER, '1m', bars[20]!.t, bars[20]!.t))[0]!;
    await documents.send(
      new PutCommand({
        TableName: context.config.tables.bars,
        Item: { pk: seriesKey(TICKER, '1m'), ...damaged, ema20: 1, c: damaged.c * 2 },
      }),
    );

    const iso = (i: number) => new Date(bars[i]!.t).toISOString();
    const { stdout } = await tickflow(
      'replay',
      '--ticker',
      TICKER,
      '--interval',
      '1m',
      '--from',
      iso(10),
      '--to',
      iso(30),
      '--json',
    );
    expect(JSON.parse(stdout)).toEqual({ replayed: 21, rewritten: 80, firstBarTime: bars[10]!.t });
    await expectUninterruptedRows();
  });

  test('a range replay with from after to is refused by the workflow', async () => {
    await expect(
      tickflow('replay', '--ticker', TICKER, '--interval', '1m', '--from', '2024-04-02', '--to', '2024-04-01'),
    ).rejects.toMatchObject({ stderr: expect.stringMatching(/replay refused: replay range needs from <= to/) });
  });

  test('the ticker history with a failure and both replays replays deterministically', async () => {
    await replayHistories(context, `WorkflowId = "${tickerWorkflowId(TICKER, '1m')}"`, 1);
  });
});
