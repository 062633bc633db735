import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { barEvent } from '../../domain/market-event';
import { restartService } from '../../local/stack';
import { BarsStore } from '../../store/bars-store';
import { DeadLetterStore } from '../../store/dead-letter-store';
import { listShards } from '../../clients/kinesis-shards';
import { bootstrapResources } from '../../local/bootstrap';
import type { ShardCounters } from '../../workflows/ingest-contracts';
import { shardReaderWorkflowId } from '../../workflows/workflow-ids';
import { checkpointQuery } from '../../workflows/shard-reader';
import { drillMarket, expectExactlyOnce, sendRecords, seriesOf, streamRecord } from '../support/drill-market';
import { fuzzRecords } from '../support/fuzz-records';
import { openContext, startWorker, waitFor, waitForIngestion, type TestContext, type WorkerProcess } from './harness';

/**
 * Drills: the pipeline under the failures it must survive, each ending with every expected bar
 * stored exactly once with the indicators of an uninterrupted run.
 */

describe('drill: worker SIGKILLed every few seconds during a multi-ticker replay', () => {
  // Tiny reads, each committed at once: many reads, commits and heartbeats, so kills land
  // everywhere, mid-commit too (reads left to commit together would commit only when caught up).
  const env = {
    TICKFLOW_MAX_BARS_PER_BATCH: '10',
    TICKFLOW_READ_LIMIT: '16',
    TICKFLOW_BATCHES_PER_RUN: '8',
    TICKFLOW_COMMIT_WITHIN_MS: '1',
  };
  const { steps, byTicker } = drillMarket('KIL', 8, 400, 71);
  let context: TestContext;
  const kills: number[] = [];
  let survivor: WorkerProcess | undefined;

  beforeAll(async () => {
    context = await openContext(env);
    const last = await sendRecords(
      context,
      steps.flat().map(({ ticker, bar }) => streamRecord(barEvent(ticker, '1m', bar))),
    );
    const store = new BarsStore(context.aws.documents, context.config.tables.bars);
    const stored = async () =>
      (await Promise.all([...byTicker.keys()].map((t) => store.count(t, '1m')))).reduce((a, b) => a + b, 0);
    const total = steps.length * 8;
    for (let round = 0; round < 8; round++) {
      const before = await stored();
      if (before >= total * 0.85 || kills.filter((n) => n < total).length >= 4) break;
      const worker = startWorker(`drill-kill-${round}`, env);
      // Kill at a random point of the round's progress, not a random time: how far a second goes
      // depends on the host (a fast CI host once finished the replay inside the wait).
      const killAt = before + Math.ceil((total - before) * (0.05 + Math.random() * 0.25));
      await waitFor('progress', async () => (await stored()) >= killAt, 120_000, 25);
      await worker.kill('SIGKILL');
      kills.push(await stored());
    }
    survivor = startWorker('drill-kill-survivor', env);
    await waitForIngestion(context, last, seriesOf(byTicker), survivor);
  });

  afterAll(async () => {
    await survivor?.kill('SIGTERM');
    await context?.close();
  });

  test('several kills landed mid-replay', () => {
    // A kill that lands after the last bar (a fast round on a quiet machine) does not count.
    expect(kills.filter((n) => n < steps.length * 8).length).toBeGreaterThanOrEqual(3);
  });

  test('every bar of every ticker exactly once, indicators as if uninterrupted', async () => {
    await expectExactlyOnce(context, byTicker);
  });
});

/** The log file is appended across runs: look for this process's own line. */
const waitedForTemporal = (worker: WorkerProcess) =>
  readFileSync(worker.logFile, 'utf8')
    .split('\n')
    .some((line) => line.includes(`"pid":${worker.child.pid},`) && line.includes('waiting for Temporal'));

describe('drill: Temporal server and DynamoDB Local restarted mid-run', () => {
  const { steps, byTicker } = drillMarket('OUT', 6, 150, 72);
  let context: TestContext;
  let worker: WorkerProcess;
  let lateStarter: WorkerProcess | undefined;
  const restarted: string[] = [];

  beforeAll(async () => {
    context = await openContext();
    worker = startWorker('drill-outages');
    const store = new BarsStore(context.aws.documents, context.config.tables.bars);
    const events = steps.map((step) => step.map(({ ticker, bar }) => streamRecord(barEvent(ticker, '1m', bar))));
    // Paced in thirds, one outage between each: the worker is mid-stream when each service goes away.
    const third = Math.ceil(events.length / 3);
    let last = await sendRecords(context, events.slice(0, third).flat());
    await waitFor('the worker to store its first bars', async () => (await store.count('OUT0', '1m')) > 0, 120_000);
    await restartService(context.config, 'temporal', {
      downMs: 3000,
      // A second worker (another ECS task, say) starting while Temporal is away waits for it.
      whileDown: async () => {
        const late = startWorker('drill-outages-late', { TICKFLOW_METRICS_ADDRESS: 'off' });
        lateStarter = late;
        await waitFor('the late worker to wait for Temporal', async () => waitedForTemporal(late), 60_000);
      },
    });
    restarted.push('temporal');
    last = { ...last, ...(await sendRecords(context, events.slice(third, 2 * third).flat())) };
    await sleep(1500);
    await restartService(context.config, 'dynamodb', { downMs: 3000 });
    restarted.push('dynamodb');
    last = { ...last, ...(await sendRecords(context, events.slice(2 * third).flat())) };
    await waitForIngestion(context, last, seriesOf(byTicker), worker);
  });

  afterAll(async () => {
    await Promise.all([worker?.kill('SIGTERM'), lateStarter?.kill('SIGTERM')]);
    await context?.close();
  });

  test('the same worker rode out both outages', () => {
    expect(restarted).toEqual(['temporal', 'dynamodb']);
    expect(worker.child.exitCode).toBeNull();
  });

  test('a worker started during the Temporal outage waited for it and kept running', () => {
    expect(lateStarter!.child.exitCode).toBeNull();
    expect(waitedForTemporal(lateStarter!)).toBe(true);
  });

  test('every bar of every ticker exactly once, indicators as if uninterrupted', async () => {
    await expectExactlyOnce(context, byTicker);
  });
});

describe('drill: duplicate records and 10,000 fuzzed bad records mixed into the stream', () => {
  const { steps, byTicker } = drillMarket('FZ', 4, 100, 73);
  const FUZZED = 10_000;
  // Its own stream: the shard readers' counters are then this drill's exact accounting.
  const env = { TICKFLOW_STREAM: 'tickflow-fuzz' };
  let context: TestContext;
  let worker: WorkerProcess;
  let duplicates = 0;
  let sent = 0;

  beforeAll(async () => {
    context = await openContext(env);
    await bootstrapResources(context.config, context.aws);
    worker = startWorker('drill-fuzz', env);
    const valid = steps.flat().map(({ ticker, bar }) => barEvent(ticker, '1m', bar));
    const fuzz = fuzzRecords(valid, FUZZED, 74);
    const records: Array<{ partitionKey: string; data: Buffer }> = [];
    let f = 0;
    valid.forEach((event, i) => {
      records.push(streamRecord(event));
      // A producer retry re-sends a record: sometimes right away, sometimes a few bars later.
      const resent = [...(i % 3 === 0 ? [event] : []), ...(i % 7 === 0 && i >= 28 ? [valid[i - 28]!] : [])];
      records.push(...resent.map(streamRecord));
      duplicates += resent.length;
      while (f < ((i + 1) * FUZZED) / valid.length) records.push(fuzz[f++]!);
    });
    sent = records.length;
    const last = await sendRecords(context, records);
    await waitForIngestion(context, last, seriesOf(byTicker), worker);
  });

  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await context?.close();
  });

  test('every valid bar exactly once, indicators as if uninterrupted', async () => {
    await expectExactlyOnce(context, byTicker);
  });

  test('every record accounted for: in = stored + dead-lettered + skipped as a repeat', async () => {
    const letters = (await new DeadLetterStore(context.aws.documents, context.config.tables.deadLetters).list()).filter(
      (l) => l.partitionKey.startsWith('FZ'),
    );
    expect(letters).toHaveLength(FUZZED);
    expect(letters.every((l) => l.reason.length > 0)).toBe(true);
    const shards = await listShards(context.aws.kinesis, context.config.stream.name);
    const checkpoints = await Promise.all(
      shards.map((s) =>
        context.temporal.workflow
          .getHandle(shardReaderWorkflowId(context.config.stream.name, s.ShardId!))
          .query(checkpointQuery),
      ),
    );
    const sum = (field: keyof ShardCounters) => checkpoints.reduce((n, c) => n + c.counters[field], 0);
    const bars = steps.length * 4;
    expect({
      records: sum('records'),
      deadLettered: sum('deadLettered'),
      valid: sum('stored') + sum('duplicates') + sum('redelivered'),
      failed: sum('failedTickers'),
    }).toEqual({ records: sent, deadLettered: FUZZED, valid: bars + duplicates, failed: 0 });
    // A retried read (a heartbeat lost under load) finds the records its lost attempt handled
    // already done: it counts them as redelivered, whether that attempt stored or skipped them.
    const redelivered = sum('redelivered');
    expect(sum('stored')).toBeLessThanOrEqual(bars);
    expect(sum('stored') + redelivered).toBeGreaterThanOrEqual(bars);
    expect(sum('duplicates')).toBeLessThanOrEqual(duplicates);
    expect(sum('duplicates') + redelivered).toBeGreaterThanOrEqual(duplicates);
  });
});
