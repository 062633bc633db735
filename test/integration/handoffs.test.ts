import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { bootstrapResources } from '../../local/bootstrap';
import { listFailedBatches, replayFailedBatch } from '../../operations/batches';
import { watchTicker } from '../../operations/ticker-mode';
import { BarsStore } from '../../store/bars-store';
import { seriesKey } from '../../domain/series-key';
import { tickerWorkflowId } from '../../workflows/workflow-ids';
import { progressQuery } from '../../workflows/ticker';
import { drillMarket, expectExactlyOnce, sendRecords, seriesOf, recordsOf } from '../support/drill-market';
import {
  openContext,
  replayHistories,
  startWorker,
  waitFor,
  waitForIngestion,
  type TestContext,
  type WorkerProcess,
} from './harness';

/**
 * Hand-offs on the real local stack: a ticker leaves the shard reader's fast path for its own
 * workflow (a failure for good, a user watching it) and comes back, while the other tickers
 * of the same reads stay on the fast path; every bar stored once, in order, as if uninterrupted.
 */
const suiteEnv = { TICKFLOW_STREAM: 'tickflow-handoff' };

describe('hand-offs between the fast path and ticker workflows', () => {
  let context: TestContext;
  let worker: WorkerProcess;
  let lastSequenceByShard: Record<string, string> = {};
  const send = async (records: ReturnType<typeof recordsOf>) =>
    (lastSequenceByShard = { ...lastSequenceByShard, ...(await sendRecords(context, records)) });
  const progress = (ticker: string) =>
    context.temporal.workflow.getHandle(tickerWorkflowId(ticker, '1m')).query(progressQuery);

  beforeAll(async () => {
    context = await openContext(suiteEnv);
    await bootstrapResources(context.config, context.aws);
    worker = startWorker('handoffs', suiteEnv);
  });

  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await context?.close();
  });

  test('one ticker whose stored state is corrupt fails mid-read: it alone halts, the others flow; after the fix its replay gives the uninterrupted rows', async () => {
    const { steps, byTicker } = drillMarket('HF', 3, 90, 81);
    const broken = 'HF1';
    await send(recordsOf(steps, 0, 40));
    await waitForIngestion(context, lastSequenceByShard, seriesOf(byTicker), worker);

    // The cause: the broken ticker's newest stored row damaged; a restarted worker rebuilds its state from storage.
    await worker.kill('SIGTERM');
    const table = context.config.tables.bars;
    const key = { pk: seriesKey(broken, '1m'), t: byTicker.get(broken)![39]!.t };
    const good = (await context.aws.documents.send(new GetCommand({ TableName: table, Key: key }))).Item!;
    await context.aws.documents.send(new PutCommand({ TableName: table, Item: { ...good, c: 'broken' } }));
    worker = startWorker('handoffs-2', suiteEnv);
    await send(recordsOf(steps, 40, 60));
    const failed = await waitFor(
      'the broken ticker listed as failed',
      async () => (await listFailedBatches(context.temporal)).find((f) => f.ticker === broken),
      90_000,
    );
    expect(failed.reason).toMatch(/CorruptStoredBarError: stored bar HF1 1m .*: c is "broken", not a number/);
    await send(recordsOf(steps, 60, 80));

    const store = new BarsStore(context.aws.documents, table);
    for (const ticker of ['HF0', 'HF2'])
      await waitFor(`${ticker} flowing`, async () => (await store.count(ticker, '1m')) === 80, 60_000);
    await waitFor('later batches held', async () => (await progress(broken)).pendingBatches > 0, 30_000);
    expect(await store.count(broken, '1m')).toBe(40);
    expect(await progress(broken)).toMatchObject({
      mode: 'workflow',
      failure: expect.objectContaining({ firstBarTime: byTicker.get(broken)![40]!.t }),
    });

    // The fix, then the replay: the ticker catches up in its workflow and goes back to the fast path.
    await context.aws.documents.send(new PutCommand({ TableName: table, Item: good }));
    await replayFailedBatch(context.temporal, failed.batchIds[0]!);
    await waitFor('handed back to the fast path', async () => (await progress(broken)).mode === 'fast', 60_000);
    await send(recordsOf(steps, 80, 90));
    await waitForIngestion(context, lastSequenceByShard, seriesOf(byTicker), worker);
    await waitFor('every bar stored', async () => (await store.count(broken, '1m')) === 90, 30_000);
    await expectExactlyOnce(context, byTicker);
    // The last bars came through the fast path: the workflow stored only what it was handed.
    const after = await progress(broken);
    expect(after.barsStored).toBe(40);
    expect(after.failure).toBeNull();
  });

  test('a watched ticker goes through its workflow batch by batch while the others stay on the fast path, then comes back', async () => {
    const { steps, byTicker } = drillMarket('HW', 3, 60, 82);
    const watched = 'HW0';
    const deps = { config: context.config, temporal: context.temporal, kinesis: context.aws.kinesis };
    await send(recordsOf(steps, 0, 20));
    await waitForIngestion(context, lastSequenceByShard, seriesOf(byTicker), worker);

    await watchTicker(deps, watched, '1m', true);
    await waitFor('workflow mode', async () => (await progress(watched)).mode === 'workflow', 60_000);
    for (let i = 20; i < 40; i += 5) await send(recordsOf(steps, i, i + 5));
    await waitForIngestion(context, lastSequenceByShard, seriesOf(byTicker), worker);
    const following = await progress(watched);
    expect(following).toMatchObject({ mode: 'workflow', watched: true, barsStored: 20 });
    expect(following.batches).toBeGreaterThanOrEqual(1);

    await watchTicker(deps, watched, '1m', false);
    await waitFor('back on the fast path', async () => (await progress(watched)).mode === 'fast', 60_000);
    await send(recordsOf(steps, 40, 60));
    await waitForIngestion(context, lastSequenceByShard, seriesOf(byTicker), worker);
    await expectExactlyOnce(context, byTicker);
    expect((await progress(watched)).barsStored).toBe(20);
  });

  test('the hand-off histories replay deterministically', async () => {
    await replayHistories(
      context,
      `WorkflowId = '${tickerWorkflowId('HF1', '1m')}' OR WorkflowId = '${tickerWorkflowId('HW0', '1m')}' OR WorkflowType = 'shardReaderWorkflow'`,
      2,
    );
  });
});
