import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync } from 'node:fs';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { IndicatorSet } from '../../domain/indicators';
import { barEvent, encodeMarketEvent, type Bar } from '../../domain/market-event';
import { parseYahooCsv } from '../../domain/yahoo-csv';
import { packagedDataset } from '../../producer/sources/replay';
import { BarsStore } from '../../store/bars-store';
import { DeadLetterStore } from '../../store/dead-letter-store';
import { onboardUpdate } from '../../workflows/registry';
import type { RegistryEntry } from '../../workflows/registry-contracts';
import { REGISTRY_WORKFLOW_ID } from '../../workflows/workflow-ids';
import { firstMismatch } from '../reference/indicators';
import {
  openContext,
  replayHistories,
  startWorker,
  waitFor,
  type TestContext,
  type WorkerProcess,
  runTickflow,
} from './harness';

const TICKER = 'ONBD';
const FROM = '2018-01-01';
const history = parseYahooCsv(readFileSync(packagedDataset('aapl'), 'utf8')).filter((b) => b.t >= Date.parse(FROM));
const DAY = 86_400_000;
const live = (n: number): Bar => {
  const last = history[history.length - 1]!;
  return { ...last, t: last.t + (n + 3) * DAY, c: last.c + n, h: last.h + n + 1, o: last.c + n, l: last.l };
};

const tickflow = (...args: string[]) => runTickflow(args);

describe('onboarding and offboarding through the registry', () => {
  let context: TestContext;
  let worker: WorkerProcess;
  let store: BarsStore;
  let onboarded: RegistryEntry;
  const put = async (bar: Bar) =>
    context.aws.kinesis.send(
      new PutRecordsCommand({
        StreamName: context.config.stream.name,
        Records: [{ PartitionKey: TICKER, Data: Buffer.from(encodeMarketEvent(barEvent(TICKER, '1d', bar))) }],
      }),
    );

  beforeAll(async () => {
    context = await openContext();
    store = new BarsStore(context.aws.documents, context.config.tables.bars);
    worker = startWorker('onboarding');
    const { stdout } = await tickflow('onboard', TICKER, '--dataset', 'aapl', '--from', FROM, '--wait', '--json');
    onboarded = JSON.parse(stdout) as RegistryEntry;
  });

  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await context?.close();
  });

  test('onboarding backfills the history through the stream with warm indicators, then the ticker is active', async () => {
    expect(onboarded).toMatchObject({
      ticker: TICKER,
      interval: '1d',
      status: 'active',
      backfilledBars: history.length,
    });
    const stored = await store.range(TICKER, '1d');
    expect(stored.map((b) => b.t)).toEqual(history.map((b) => b.t));
    const reference = IndicatorSet.empty();
    stored.forEach((row, i) => {
      const mismatch = firstMismatch(
        row as unknown as Record<string, unknown>,
        reference.add(history[i]!) as unknown as Record<string, number | null>,
      );
      if (mismatch) throw new Error(`bar ${i}: ${mismatch}`);
    });
    expect(stored[stored.length - 1]!.rsi14).not.toBeNull();
    expect(stored[stored.length - 1]!.ema50).not.toBeNull();
  });

  test('live bars flow for the onboarded ticker', async () => {
    await put(live(0));
    await put(live(1));
    await waitFor('live bars stored', async () => (await store.count(TICKER, '1d')) === history.length + 2, 30_000);
  });

  test('a duplicate onboarding and a bad symbol are refused with clear reasons', async () => {
    await expect(tickflow('onboard', TICKER)).rejects.toMatchObject({
      stderr: expect.stringMatching(/ONBD 1d is already active/),
    });
    const refused = await context.temporal.workflow
      .getHandle(REGISTRY_WORKFLOW_ID)
      .executeUpdate(onboardUpdate, { args: [{ ticker: 'bad$', interval: '1d', source: { kind: 'none' } }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refused as WorkflowUpdateFailedError).cause?.message).toMatch(/bad symbol "bad\$"/);
  });

  test('offboarding stops the ticker, keeps its data, and later records are dead-lettered with the reason', async () => {
    await tickflow('offboard', TICKER);
    await sleep(5_500); // the stream readers' view of the registry refreshes every 5 s
    const result = await put(live(2));
    const seq = result.Records![0]!.SequenceNumber!;
    const letter = await waitFor(
      'dead letter',
      async () =>
        (await new DeadLetterStore(context.aws.documents, context.config.tables.deadLetters).list()).find(
          (l) => l.seq === seq,
        ),
      30_000,
    );
    expect(letter.reason).toMatch(/ONBD 1d is offboarded/);
    expect(await store.count(TICKER, '1d')).toBe(history.length + 2);
    const entries = JSON.parse((await tickflow('tickers', '--json')).stdout) as RegistryEntry[];
    expect(entries.find((e) => e.ticker === TICKER)).toMatchObject({ status: 'offboarded' });
  });

  test('registry and onboarding histories replay deterministically', async () => {
    await replayHistories(context, 'WorkflowType = "tickerRegistryWorkflow" OR WorkflowType = "onboardingWorkflow"', 1);
  });
});
