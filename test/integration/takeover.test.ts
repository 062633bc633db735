import { setTimeout as sleep } from 'node:timers/promises';
import { bootstrapResources } from '../../local/bootstrap';
import { watchTicker } from '../../operations/ticker-mode';
import { BarsStore } from '../../store/bars-store';
import { tickerWorkflowId } from '../../workflows/workflow-ids';
import { progressQuery } from '../../workflows/ticker';
import { drillMarket, expectExactlyOnce, sendRecords, seriesOf, recordsOf } from '../support/drill-market';
import { openContext, startWorker, waitFor, waitForIngestion, type TestContext, type WorkerProcess } from './harness';

/**
 * Workers dying where it hurts: one of two workers SIGKILLed again and again under a
 * multi-ticker load (the other takes its shards over), and a worker SIGKILLed right after a
 * hand-off was asked for, in each direction. Every bar stored once, in order, as if uninterrupted.
 */
const suiteEnv = { TICKFLOW_STREAM: 'tickflow-takeover', TICKFLOW_READ_LIMIT: '20', TICKFLOW_METRICS_ADDRESS: 'off' };

describe('drills: workers killed under load and during hand-offs', () => {
  let context: TestContext;
  let lastSequenceByShard: Record<string, string> = {};
  const running: WorkerProcess[] = [];
  const start = (name: string) => {
    const worker = startWorker(name, suiteEnv);
    running.push(worker);
    return worker;
  };
  const send = async (records: ReturnType<typeof recordsOf>) =>
    (lastSequenceByShard = { ...lastSequenceByShard, ...(await sendRecords(context, records)) });

  beforeAll(async () => {
    context = await openContext(suiteEnv);
    await bootstrapResources(context.config, context.aws);
  });

  afterAll(async () => {
    await Promise.all(running.map((w) => w.kill('SIGTERM')));
    await context?.close();
  });

  test('two workers under load, one SIGKILLed again and again: the other carries on, nothing lost or duplicated', async () => {
    const { steps, byTicker } = drillMarket('TK', 6, 300, 91);
    const survivor = start('takeover-survivor');
    let victim = start('takeover-victim-0');
    const store = new BarsStore(context.aws.documents, context.config.tables.bars);
    const stored = async () =>
      (await Promise.all([...byTicker.keys()].map((t) => store.count(t, '1m')))).reduce((a, b) => a + b, 0);
    let kills = 0;
    for (let i = 0; i < steps.length; i += 50) {
      await send(recordsOf(steps, i, i + 50));
      const before = await stored();
      await waitFor('progress', async () => (await stored()) > before, 120_000, 100);
      await victim.kill('SIGKILL');
      kills++;
      victim = start(`takeover-victim-${kills}`);
    }
    await waitForIngestion(context, lastSequenceByShard, seriesOf(byTicker), survivor);
    expect(kills).toBe(6);
    expect(survivor.child.exitCode).toBeNull();
    await expectExactlyOnce(context, byTicker);
  });

  test('SIGKILL right after a hand-off was asked for, to the ticker workflow and back: every bar once, in order', async () => {
    const { steps, byTicker } = drillMarket('TH', 3, 90, 92);
    const watched = 'TH0';
    const deps = { config: context.config, temporal: context.temporal, kinesis: context.aws.kinesis };
    const progress = () => context.temporal.workflow.getHandle(tickerWorkflowId(watched, '1m')).query(progressQuery);
    let worker = start('handoff-kill-0');
    await send(recordsOf(steps, 0, 30));
    await waitForIngestion(context, lastSequenceByShard, seriesOf(byTicker), worker);

    // Each direction: ask, send, kill the worker 0.2 s later, start another, send more, and the hand-off completes.
    const killDuringHandOff = async (on: boolean, from: number, round: number) => {
      await watchTicker(deps, watched, '1m', on);
      await send(recordsOf(steps, from, from + 15));
      await sleep(200);
      await worker.kill('SIGKILL');
      worker = start(`handoff-kill-${round}`);
      await send(recordsOf(steps, from + 15, from + 30));
      await waitFor(
        on ? 'workflow mode' : 'back on the fast path',
        async () => (await progress()).mode === (on ? 'workflow' : 'fast'),
        90_000,
      );
      await waitForIngestion(context, lastSequenceByShard, seriesOf(byTicker), worker);
    };
    await killDuringHandOff(true, 30, 1);
    await killDuringHandOff(false, 60, 2);
    await expectExactlyOnce(context, byTicker);
  });
});
