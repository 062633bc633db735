import { setTimeout as sleep } from 'node:timers/promises';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowIdConflictPolicy } from '@temporalio/client';
import type { BarBatch } from '../../domain/ingest-batch';
import type {
  IngestActivities,
  ProcessBarsInput,
  RunShardInput,
  RunShardResult,
  ShardPosition,
  TickerRunOptions,
} from '../../workflows/ingest-contracts';
import { barsSignal, handBackSignal } from '../../workflows/handoff-signals';
import { tickerWorkflowId } from '../../workflows/workflow-ids';
import { checkpointQuery, shardReaderWorkflow } from '../../workflows/shard-reader';
import {
  progressQuery,
  replayFailedBatchUpdate,
  replayRangeUpdate,
  tickerWorkflow,
  watchUpdate,
} from '../../workflows/ticker';
import { eventually, startWorkflowTestServer, type WorkflowTestServer } from './workflow-environment';

/**
 * The hand-off decisions of the shard reader and ticker workflows, with their activities
 * mocked (the Temporal samples' way), on the dev server the project installs: seconds, not
 * the minutes of the real-stack suite.
 */
jest.setTimeout(60_000);

const READER = 'shard-reader-test-shardId-000000000000';
const TICKER_ID = tickerWorkflowId('WFT', '1m');
const bar = (i: number, seq: string) => ({ t: 60_000 * i, o: 1, h: 1, l: 1, c: 1, v: 1, seq, arrivedAt: 0 });
const batch = (id: string, ...seqs: string[]): BarBatch => ({
  batchId: id,
  bars: seqs.map((seq) => bar(Number(seq), seq)),
});
const emptyPosition = (): ShardPosition => ({
  counters: { records: 0, deadLettered: 0, stored: 0, duplicates: 0, redelivered: 0, forwarded: 0, failedTickers: 0 },
  workflowSeries: {},
});

const options: TickerRunOptions = { maxBarsPerActivity: 500, batchesPerRun: 100 };
let env: TestWorkflowEnvironment;
let server: WorkflowTestServer;
/** What each test's mocked activities do; runShard defaults to an idle run that returns its input. */
const script: {
  runShard?: (input: RunShardInput) => Promise<RunShardResult>;
  runs: RunShardInput[];
  processed: ProcessBarsInput[];
  readBatches?: BarBatch[];
  /** What the workers' configuration says at the start of each ticker run. */
  options: TickerRunOptions;
} = { runs: [], processed: [], options };
const idle = async (input: RunShardInput): Promise<RunShardResult> => {
  await sleep(100);
  const { streamName: _s, shardId: _i, readerWorkflowId: _r, ...position } = input;
  return {
    ...position,
    run: { tickers: 0, stored: 0, deadLettered: 0, forwarded: 0, failed: [] },
    reads: 0,
    millisBehindLatest: 0,
    shardClosed: false,
  };
};

const activities: IngestActivities = {
  runShard: async (input) => {
    script.runs.push(input);
    return (script.runShard ?? idle)(input);
  },
  processBars: async (input) => {
    script.processed.push(input);
    const last = input.bars.at(-1)!.t;
    return { stored: input.bars.length, duplicates: 0, redelivered: 0, lastBarTime: last, predictedThrough: null };
  },
  awaitParentReaders: async () => ({}),
  predictBars: async () => {
    throw new Error('no predictions in these tests');
  },
  readBatches: async () => script.readBatches ?? [],
  replayRange: async () => ({ replayed: 0, rewritten: 0, firstBarTime: null }),
  tickerRunOptions: async () => script.options,
};

beforeAll(async () => {
  server = await startWorkflowTestServer('handoff-test', activities);
  env = server.env;
});

afterAll(() => server?.stop());

beforeEach(() => {
  script.runShard = undefined;
  script.readBatches = undefined;
  script.runs = [];
  script.processed = [];
  script.options = options;
});

const startReader = (id: string, position = emptyPosition()) =>
  env.client.workflow.start(shardReaderWorkflow, {
    workflowId: id,
    taskQueue: 'handoff-test',
    args: [{ streamName: 'test', shardId: 'shardId-000000000000', position }],
  });
const forward = (ticker: string, forwarded: { batch: BarBatch; reader: string; failure?: string }) =>
  env.client.workflow.signalWithStart(tickerWorkflow, {
    workflowId: tickerWorkflowId(ticker, '1m'),
    taskQueue: 'handoff-test',
    args: [{ ticker, interval: '1m' }],
    signal: barsSignal,
    signalArgs: [forwarded],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });

test('a batch the fast path failed halts its ticker, later batches are held; the replay processes them in order and the ticker goes back to the fast path', async () => {
  const readerId = `${READER}-failure`;
  // The reader's run hands the failed ticker over, as runShard does, then reports it in workflow mode.
  let handedOver = false;
  script.runShard = async (input) => {
    if (handedOver) return idle(input);
    handedOver = true;
    await forward('HLT', {
      batch: batch('b1', '1', '2'),
      reader: readerId,
      failure: 'CorruptStoredBarError: stored bar is broken',
    });
    await forward('HLT', { batch: batch('b2', '3'), reader: readerId });
    const result = await idle(input);
    return {
      ...result,
      afterSequence: '3',
      workflowSeries: { 'HLT#1m': { ticker: 'HLT', interval: '1m', lastForwarded: '3', closing: false } },
    };
  };
  const reader = await startReader(readerId);
  const ticker = env.client.workflow.getHandle(tickerWorkflowId('HLT', '1m'));
  const halted = await eventually('the halt', async () => {
    const p = await ticker.query(progressQuery).catch(() => undefined);
    return p?.failure && p.pendingBatches === 1 ? p : undefined;
  });
  expect(halted).toMatchObject({
    mode: 'workflow',
    reader: readerId,
    failure: { batchIds: ['b1'], bars: 2, reason: 'CorruptStoredBarError: stored bar is broken' },
  });
  expect(script.processed).toEqual([]);
  expect((await ticker.describe()).searchAttributes).toMatchObject({
    BatchStatus: ['Failed'],
    TickerMode: ['workflow'],
  });

  script.readBatches = [batch('b1', '1', '2')];
  await expect(ticker.executeUpdate(replayFailedBatchUpdate, { args: ['b2'] })).rejects.toMatchObject({
    cause: { message: expect.stringMatching(/halted on batch b1, not b2/) },
  });
  await ticker.executeUpdate(replayFailedBatchUpdate, { args: ['b1'] });
  // Processed in stream order: the replayed batch, then the held one (one activity, both batches).
  await eventually(
    'the held batch processed',
    async () => script.processed.length > 0 && script.processed.flatMap((p) => p.bars.map((b) => b.seq)).length === 3,
  );
  expect(script.processed.flatMap((p) => p.bars.map((b) => b.seq))).toEqual(['1', '2', '3']);
  // Caught up: the ticker asks for the hand-back through '3', which is what the reader forwarded, so the reader takes it.
  await eventually(
    'the ticker out of workflow mode at the reader',
    async () => Object.keys((await reader.query(checkpointQuery)).workflowSeries).length === 0,
  );
  await eventually(
    'the ticker told it is on the fast path again',
    async () => (await ticker.query(progressQuery)).mode === 'fast',
  );
  expect((await ticker.describe()).searchAttributes).toMatchObject({ BatchStatus: ['Ok'], TickerMode: ['fast'] });
  await reader.terminate();
  await ticker.terminate();
});

test('a watched ticker is handed over to its workflow, processes batch by batch, and is handed back once unwatched', async () => {
  const readerId = `${READER}-watch`;
  const reader = await startReader(readerId);
  const ticker = env.client.workflow.getHandle(TICKER_ID);
  await env.client.workflow.start(tickerWorkflow, {
    workflowId: TICKER_ID,
    taskQueue: 'handoff-test',
    args: [{ ticker: 'WFT', interval: '1m' }],
  });
  const watched = await ticker.executeUpdate(watchUpdate, { args: [{ on: true, reader: readerId }] });
  expect(watched).toMatchObject({ watched: true, mode: 'handingOver' });
  // The reader applies the hand-over between runs and confirms it; its next run forwards the ticker's records.
  await eventually('workflow mode', async () => (await ticker.query(progressQuery)).mode === 'workflow');
  const withTicker = await eventually('a run with the ticker in workflow mode', async () =>
    script.runs.find((r) => r.readerWorkflowId === readerId && r.workflowSeries['WFT#1m']),
  );
  expect(withTicker.workflowSeries['WFT#1m']).toEqual({
    ticker: 'WFT',
    interval: '1m',
    lastForwarded: null,
    closing: false,
  });

  let forwarded = false;
  script.runShard = async (input) => {
    if (forwarded || input.readerWorkflowId !== readerId || !input.workflowSeries['WFT#1m']) return idle(input);
    forwarded = true;
    await forward('WFT', { batch: batch('b7', '7'), reader: readerId });
    await forward('WFT', { batch: batch('b8', '8'), reader: readerId });
    const result = await idle(input);
    return { ...result, workflowSeries: { 'WFT#1m': { ...input.workflowSeries['WFT#1m']!, lastForwarded: '8' } } };
  };
  await eventually('both batches processed', async () => script.processed.flatMap((p) => p.bars).length === 2);
  expect((await ticker.query(progressQuery)).mode).toBe('workflow'); // still watched: it stays

  await ticker.executeUpdate(watchUpdate, { args: [{ on: false, reader: readerId }] });
  await eventually('handed back', async () => (await ticker.query(progressQuery)).mode === 'fast');
  expect((await reader.query(checkpointQuery)).workflowSeries).toEqual({});
  expect((await ticker.describe()).searchAttributes).toMatchObject({ TickerMode: ['fast'] });
  await reader.terminate();
  await ticker.terminate();
});

test('a hand-back that names less than the reader forwarded is declined: the next run stops before the ticker, and the renewed hand-back completes', async () => {
  const readerId = `${READER}-closing`;
  const position = emptyPosition();
  position.workflowSeries['CLS#1m'] = { ticker: 'CLS', interval: '1m', lastForwarded: '20', closing: false };
  let stopped = false;
  script.runShard = async (input) => {
    if (!input.workflowSeries['CLS#1m']?.closing || stopped) return idle(input);
    stopped = true;
    return { ...(await idle(input)), stoppedFor: 'CLS#1m' };
  };
  const reader = await startReader(readerId, position);
  await reader.signal(handBackSignal, { ticker: 'CLS', interval: '1m', throughSeq: '19' });
  await eventually('a closing run', async () => script.runs.some((r) => r.workflowSeries['CLS#1m']?.closing));
  expect((await reader.query(checkpointQuery)).workflowSeries['CLS#1m']).toBeDefined();
  await reader.signal(handBackSignal, { ticker: 'CLS', interval: '1m', throughSeq: '20' });
  await eventually(
    'the hand-back applied',
    async () => (await reader.query(checkpointQuery)).workflowSeries['CLS#1m'] === undefined,
  );
  await reader.terminate();
});

test('a ticker workflow carries its state across continueAsNew: stats, failure and held batches', async () => {
  const id = `${TICKER_ID}-can`;
  // Settings are read at the start of every run: the next run sees the changed one.
  script.options = { ...options, batchesPerRun: 1 };
  await env.client.workflow.start(tickerWorkflow, {
    workflowId: id,
    taskQueue: 'handoff-test',
    args: [{ ticker: 'WFT', interval: '1m' }],
  });
  const ticker = env.client.workflow.getHandle(id);
  const firstRun = (await ticker.describe()).runId;
  await ticker.signal(barsSignal, { batch: batch('c1', '1'), reader: `${READER}-none` });
  await eventually('a new run', async () => (await ticker.describe()).runId !== firstRun);
  await ticker.signal(barsSignal, { batch: batch('c2', '2'), reader: `${READER}-none`, failure: 'Error: broken' });
  await ticker.signal(barsSignal, { batch: batch('c3', '3'), reader: `${READER}-none` });
  const progress = await eventually('the halt', async () => {
    const p = await ticker.query(progressQuery);
    return p.failure && p.pendingBatches === 1 ? p : undefined;
  });
  expect(progress).toMatchObject({ barsStored: 1, batches: 1, mode: 'workflow', failure: { batchIds: ['c2'] } });
  await ticker.terminate();
});

test("a ticker's update validators refuse a replay of no failed batch, a reversed range, and a range replay while halted", async () => {
  const ticker = await env.client.workflow.start(tickerWorkflow, {
    workflowId: `${TICKER_ID}-validators`,
    taskQueue: 'handoff-test',
    args: [{ ticker: 'WFT', interval: '1m' }],
  });
  const refusal = (update: Promise<unknown>) =>
    update.then(
      () => 'accepted',
      (error: { cause?: { message?: string } }) => error.cause?.message ?? String(error),
    );
  expect(await refusal(ticker.executeUpdate(replayFailedBatchUpdate, { args: ['b9'] }))).toBe(
    'WFT 1m has no failed batch',
  );
  expect(
    await refusal(ticker.executeUpdate(replayRangeUpdate, { args: [{ from: 10, to: 5, reader: `${READER}-none` }] })),
  ).toBe('replay range needs from <= to (got 10, 5)');
  await ticker.signal(barsSignal, { batch: batch('v1', '1'), reader: `${READER}-none`, failure: 'Error: broken' });
  expect(
    await refusal(ticker.executeUpdate(replayRangeUpdate, { args: [{ from: 0, to: 5, reader: `${READER}-none` }] })),
  ).toBe('WFT 1m is halted on failed batch v1: replay that batch first');
  // Refused updates changed nothing: the ticker is still halted on that batch, nothing processed.
  expect(await ticker.query(progressQuery)).toMatchObject({ failure: { batchIds: ['v1'] }, batches: 0 });
  expect(script.processed).toEqual([]);
  await ticker.terminate();
});
