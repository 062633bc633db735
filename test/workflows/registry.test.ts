import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { BackfillResult, OnboardRequest, RegistryActivities } from '../../workflows/registry-contracts';
import { offboardUpdate, onboardUpdate, tickersQuery, tickerRegistryWorkflow } from '../../workflows/registry';
import { REGISTRY_WORKFLOW_ID } from '../../workflows/workflow-ids';
import { eventually, startWorkflowTestServer, type WorkflowTestServer } from './workflow-environment';

/** The ticker registry's decisions (onboarding, offboarding, their validators), with its activities mocked. */
jest.setTimeout(60_000);

/** What the mocked backfill does for each ticker: a result, or an error that no retry fixes. */
const backfills = new Map<string, BackfillResult | Error>();
const stored: Array<{ ticker: string; through: number }> = [];
const activities: RegistryActivities = {
  backfillHistory: async (request: OnboardRequest) => {
    const outcome = backfills.get(request.ticker) ?? { bars: 0, lastBarTime: null };
    if (outcome instanceof Error) throw ApplicationFailure.create({ message: outcome.message, nonRetryable: true });
    return outcome;
  },
  awaitSeriesStored: async ({ ticker, through }) => {
    stored.push({ ticker, through });
  },
};

let server: WorkflowTestServer;
beforeAll(async () => {
  server = await startWorkflowTestServer('registry-test', activities);
  await server.env.client.workflow.start(tickerRegistryWorkflow, {
    workflowId: REGISTRY_WORKFLOW_ID,
    taskQueue: server.taskQueue,
    args: [{}],
  });
});
afterAll(() => server?.stop());

const registry = () => server.env.client.workflow.getHandle(REGISTRY_WORKFLOW_ID);
const entry = async (ticker: string) => (await registry().query(tickersQuery)).find((e) => e.ticker === ticker);
const onboard = (ticker: string) =>
  registry().executeUpdate(onboardUpdate, {
    args: [{ ticker, interval: '1d', source: { kind: 'csv', path: '/x.csv' } }],
  });
/** The message a refused update came back with. */
const refusal = (update: Promise<unknown>) =>
  update.then(
    () => 'accepted',
    (error: unknown) =>
      error instanceof WorkflowUpdateFailedError ? (error.cause?.message ?? error.message) : String(error),
  );

test('onboarding backfills, waits until the series is stored, then the ticker is active', async () => {
  backfills.set('ONB', { bars: 120, lastBarTime: 5_000 });
  expect(await onboard('ONB')).toMatchObject({ ticker: 'ONB', status: 'onboarding' });
  expect(
    await eventually('active', async () => (await entry('ONB'))?.status === 'active' && entry('ONB')),
  ).toMatchObject({ backfilledBars: 120 });
  expect(stored).toContainEqual({ ticker: 'ONB', through: 5_000 });
});

test('a backfill that fails for good leaves the ticker failed, with the reason', async () => {
  backfills.set('BAD', new Error('no such file: /x.csv'));
  await onboard('BAD');
  const failed = await eventually('failed', async () => (await entry('BAD'))?.status === 'failed' && entry('BAD'));
  expect(failed!.reason).toContain('no such file');
});

test('the validators refuse a bad symbol, a second onboarding, and offboarding what is not onboarded', async () => {
  expect(await refusal(onboard('bad symbol'))).toMatch(/^bad symbol "bad symbol": /);
  backfills.set('TWICE', { bars: 1, lastBarTime: 1 });
  await onboard('TWICE');
  expect(await refusal(onboard('TWICE'))).toMatch(/^TWICE 1d is already (onboarding|active)$/);
  expect(await refusal(registry().executeUpdate(offboardUpdate, { args: [{ ticker: 'NEVER', interval: '1d' }] }))).toBe(
    'NEVER 1d is not onboarded (`tickflow tickers` lists them)',
  );
  // Refused updates leave no trace in the registry.
  expect(await entry('NEVER')).toBeUndefined();
});

test('offboarding keeps the entry as offboarded, refuses a second time, and allows onboarding again', async () => {
  backfills.set('OFF', { bars: 3, lastBarTime: 3 });
  await onboard('OFF');
  await eventually('active', async () => (await entry('OFF'))?.status === 'active');
  expect(await registry().executeUpdate(offboardUpdate, { args: [{ ticker: 'OFF', interval: '1d' }] })).toMatchObject({
    status: 'offboarded',
  });
  expect(
    await refusal(registry().executeUpdate(offboardUpdate, { args: [{ ticker: 'OFF', interval: '1d' }] })),
  ).toMatch(/is not onboarded/);
  expect(await onboard('OFF')).toMatchObject({ status: 'onboarding' });
});
