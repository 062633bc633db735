import { SplitShardCommand } from '@aws-sdk/client-kinesis';
import { listShards } from '../../clients/kinesis-shards';
import { bootstrapResources } from '../../local/bootstrap';
import { shardReaderWorkflowId } from '../../workflows/workflow-ids';
import { drillMarket, expectExactlyOnce, sendRecords, seriesOf, recordsOf } from '../support/drill-market';
import { openContext, startWorker, waitFor, waitForIngestion, type TestContext, type WorkerProcess } from './harness';

/**
 * A stream split while a worker runs: the new shards get readers without a restart, each after
 * its parent's reader has read the parent to the end, so every ticker stays in order.
 */
const suiteEnv = { TICKFLOW_STREAM: 'tickflow-reshard', TICKFLOW_SHARDS: '1', TICKFLOW_SHARD_CHECK_SECONDS: '2' };

describe('a resharded stream', () => {
  let context: TestContext;
  let worker: WorkerProcess;

  beforeAll(async () => {
    context = await openContext(suiteEnv);
    await bootstrapResources(context.config, context.aws);
    worker = startWorker('reshard', suiteEnv);
  });

  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await context?.close();
  });

  test('is picked up without a restart: the children are read after their parent, every bar once and in order', async () => {
    const { steps, byTicker } = drillMarket('RS', 6, 80, 93);
    const stream = context.config.stream.name;
    let last = await sendRecords(context, recordsOf(steps, 0, 30));
    const [parent] = await listShards(context.aws.kinesis, stream);
    // Split mid-stream, with records of every ticker on both sides of the split.
    const sending = sendRecords(context, recordsOf(steps, 30, 50));
    await context.aws.kinesis.send(
      new SplitShardCommand({
        StreamName: stream,
        ShardToSplit: parent!.ShardId!,
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    last = { ...last, ...(await sending) };
    await waitFor('the split done', async () => (await listShards(context.aws.kinesis, stream)).length === 3, 30_000);
    last = { ...last, ...(await sendRecords(context, recordsOf(steps, 50, 80))) };
    const children = (await listShards(context.aws.kinesis, stream)).filter((s) => s.ParentShardId === parent!.ShardId);
    expect(children).toHaveLength(2);
    await waitForIngestion(context, last, seriesOf(byTicker), worker);
    await expectExactlyOnce(context, byTicker);
    const parentReader = await context.temporal.workflow
      .getHandle(shardReaderWorkflowId(stream, parent!.ShardId!))
      .describe();
    expect(parentReader.status.name).toBe('COMPLETED');
    expect(worker.child.exitCode).toBeNull();
  });
});
