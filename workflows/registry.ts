import { seriesKey } from '../domain/series-key';
import {
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
  allHandlersFinished,
} from '@temporalio/workflow';
import { tickerProblem } from '../domain/ticker-symbol';
import type {
  BackfillResult,
  OnboardingOutcome,
  OnboardingProgress,
  OnboardRequest,
  RegistryActivities,
  RegistryEntry,
} from './registry-contracts';
import { onboardingWorkflowId, REGISTRY_WORKFLOW_ID, tickerWorkflowId } from './workflow-ids';
import { stopSignal } from './ticker';

export const onboardUpdate = defineUpdate<RegistryEntry, [OnboardRequest]>('onboard');
export const offboardUpdate = defineUpdate<RegistryEntry, [{ ticker: string; interval: RegistryEntry['interval'] }]>(
  'offboard',
);
const onboardingFinishedSignal = defineSignal<[OnboardingOutcome]>('onboardingFinished');
export const tickersQuery = defineQuery<RegistryEntry[]>('tickers');
export const onboardingProgressQuery = defineQuery<OnboardingProgress>('progress');

/**
 * The ticker registry: which tickers are onboarded, onboarding, or offboarded. One per
 * namespace (id "ticker-registry"). Onboarding starts an onboardingWorkflow per ticker that
 * backfills history through the stream and reports back; offboarding stops the ticker's
 * workflow (its data stays) and makes the stream readers dead-letter its later records.
 */
export async function tickerRegistryWorkflow(input: { entries?: RegistryEntry[] } = {}): Promise<void> {
  const entries = new Map((input.entries ?? []).map((e) => [seriesKey(e.ticker, e.interval), e]));
  const now = () => Date.now();

  setHandler(tickersQuery, () =>
    [...entries.values()].sort((a, b) => a.ticker.localeCompare(b.ticker) || a.interval.localeCompare(b.interval)),
  );
  setHandler(
    onboardUpdate,
    async (request) => {
      const entry: RegistryEntry = {
        ticker: request.ticker,
        interval: request.interval,
        status: 'onboarding',
        source: request.source,
        from: request.from,
        updatedAt: now(),
      };
      entries.set(seriesKey(request.ticker, request.interval), entry);
      await startChild(onboardingWorkflow, {
        workflowId: onboardingWorkflowId(request.ticker, request.interval),
        args: [request],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
      return entry;
    },
    {
      validator: (request) => {
        const problem = tickerProblem(request.ticker);
        if (problem) throw new Error(`bad symbol ${JSON.stringify(request.ticker)}: ${problem}`);
        const existing = entries.get(seriesKey(request.ticker, request.interval));
        if (existing && (existing.status === 'active' || existing.status === 'onboarding')) {
          throw new Error(`${request.ticker} ${request.interval} is already ${existing.status}`);
        }
      },
    },
  );
  setHandler(
    offboardUpdate,
    async ({ ticker, interval }) => {
      const entry = entries.get(seriesKey(ticker, interval))!;
      entry.status = 'offboarded';
      entry.updatedAt = now();
      // A ticker that never received a bar has no workflow to stop.
      await getExternalWorkflowHandle(tickerWorkflowId(ticker, interval))
        .signal(stopSignal)
        .catch(() => undefined);
      return entry;
    },
    {
      validator: ({ ticker, interval }) => {
        const existing = entries.get(seriesKey(ticker, interval));
        if (!existing || existing.status === 'offboarded')
          throw new Error(`${ticker} ${interval} is not onboarded (\`tickflow tickers\` lists them)`);
      },
    },
  );
  setHandler(onboardingFinishedSignal, (outcome) => {
    const entry = entries.get(seriesKey(outcome.ticker, outcome.interval));
    if (!entry || entry.status !== 'onboarding') return; // offboarded meanwhile
    entry.status = outcome.ok ? 'active' : 'failed';
    entry.backfilledBars = outcome.backfilledBars;
    entry.reason = outcome.reason;
    entry.updatedAt = now();
  });

  await condition(() => workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  await continueAsNew<typeof tickerRegistryWorkflow>({ entries: [...entries.values()] });
}

const { backfillHistory, awaitSeriesStored } = proxyActivities<RegistryActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 },
});

/**
 * Onboards one ticker: backfills its history into the stream (so it takes the same path as
 * live data and the indicators warm up in order), waits until the ticker's workflow has stored
 * it, then tells the registry. Visible in the Web UI as onboarding-<ticker>-<interval>.
 */
export async function onboardingWorkflow(request: OnboardRequest): Promise<OnboardingOutcome> {
  const progress: OnboardingProgress = { phase: 'backfilling', bars: 0 };
  setHandler(onboardingProgressQuery, () => progress);
  const registry = getExternalWorkflowHandle(REGISTRY_WORKFLOW_ID);
  let outcome: OnboardingOutcome;
  try {
    const backfill: BackfillResult = await backfillHistory(request);
    progress.bars = backfill.bars;
    progress.phase = 'warming';
    if (backfill.lastBarTime !== null)
      await awaitSeriesStored({ ticker: request.ticker, interval: request.interval, through: backfill.lastBarTime });
    progress.phase = 'done';
    outcome = { ticker: request.ticker, interval: request.interval, ok: true, backfilledBars: backfill.bars };
  } catch (error) {
    progress.phase = 'failed';
    const cause =
      error instanceof Error && error.cause instanceof Error ? error.cause.message : (error as Error).message;
    outcome = {
      ticker: request.ticker,
      interval: request.interval,
      ok: false,
      backfilledBars: progress.bars,
      reason: cause,
    };
  }
  await registry.signal(onboardingFinishedSignal, outcome);
  if (!outcome.ok)
    throw ApplicationFailure.create({
      message: `onboarding ${request.ticker} ${request.interval} failed: ${outcome.reason}`,
      nonRetryable: true,
    });
  return outcome;
}
