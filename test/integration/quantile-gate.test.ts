import { MockActivityEnvironment } from '@temporalio/testing';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../clients/aws';
import { loadConfig, type TickflowConfig } from '../../config/config';
import { evaluateCandidateActivity } from '../../activities/training/evaluate';
import { exportDatasetActivity } from '../../activities/training/export-dataset';
import { awaitTrainingJobActivity, startTrainingJobActivity } from '../../activities/training/training-job';
import { createTrainingDeps, type TrainingDeps } from '../../activities/training/deps';
import { IndicatorSet } from '../../domain/indicators';
import type { BarInterval } from '../../domain/market-event';
import { bootstrapResources } from '../../local/bootstrap';
import type { Evaluation } from '../../workflows/training-contracts';
import { volatilityRegimes } from '../support/volatility-regimes';
import { testEnv } from './test-env';

// Its own tables and an endpoint that does not exist: each candidate is judged against the baseline alone.
const env = { TICKFLOW_TABLE_PREFIX: 'tickflow-qg', TICKFLOW_ENDPOINT_NAME: 'tickflow-qg-none' };
const BARS = 3000;
const STEP_MS: Record<string, number> = { '5m': 300_000, '15m': 900_000 };

/**
 * The gate on series where the answer is known: the real training activities (dataset export
 * from stored bars, a training job on the local SageMaker, evaluation), run in Temporal's
 * mock activity environment without a workflow around them.
 */
describe('the quantile model and the promotion gate on synthetic series', () => {
  let config: TickflowConfig;
  let aws: AwsClients;
  let deps: TrainingDeps;

  beforeAll(async () => {
    config = loadConfig({ ...process.env, ...testEnv, ...env });
    aws = createAwsClients(config);
    await bootstrapResources(config, aws);
    deps = createTrainingDeps(config, aws);
  });

  afterAll(() => destroyAwsClients(aws));

  /** Stores a series as the pipeline would, trains a quantile model on it and evaluates it. */
  async function trainOn(ticker: string, interval: BarInterval, clustered: boolean): Promise<Evaluation> {
    const indicators = IndicatorSet.empty();
    const bars = volatilityRegimes({
      bars: BARS,
      seed: 17,
      startTime: Date.UTC(2024, 0, 1),
      stepMs: STEP_MS[interval]!,
      clustered,
    });
    const rows = bars.map((bar) => ({
      ticker,
      interval,
      time: new Date(bar.t).toISOString(),
      ...bar,
      ...indicators.add(bar),
    }));
    await deps.bars.put(rows);
    await deps.series.putAll([
      { ticker, interval, lastBarTime: bars.at(-1)!.t, lastArrivalAt: Date.now(), lastStoredAt: Date.now() },
    ]);
    const environment = new MockActivityEnvironment();
    const activity = {
      run: <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A) =>
        environment.run(fn, ...args) as Promise<R>,
    };
    const version = `vqg${Date.now()}-${clustered ? 'c' : 'i'}`;
    const dataset = await activity.run(exportDatasetActivity(deps), {
      version,
      interval,
      horizon: 1,
      holdoutFraction: 0.2,
    });
    const jobName = await activity.run(startTrainingJobActivity(deps), {
      version,
      dataset,
      hyperparameters: { quantiles: '0.1,0.5,0.9' },
    });
    const job = await activity.run(awaitTrainingJobActivity(deps, 500), jobName);
    expect(job).toMatchObject({ status: 'Completed' });
    return activity.run(evaluateCandidateActivity(deps), {
      version,
      jobName,
      dataset,
      horizon: 1,
      quantiles: [0.1, 0.5, 0.9],
    });
  }

  test('volatility that clusters: the model reads it from the bars faster than the baseline and is promoted', async () => {
    const evaluation = await trainOn('QGVOL', '5m', true);
    expect(evaluation.metrics.pinballRatio).toBeLessThan(0.97);
    expect(evaluation.metrics.dmPinballPValue).toBeLessThanOrEqual(0.05);
    expect(Math.abs(evaluation.metrics.coverage! - 0.8)).toBeLessThanOrEqual(0.05);
    expect(evaluation).toMatchObject({ promote: true, reason: expect.stringMatching(/quantiles beat the baseline's/) });
    // Nothing in these returns is predictable but their size: the median is said to have no skill.
    expect(evaluation.reason).toMatch(/median has no skill over the random walk/);
  }, 180_000);

  test('i.i.d. returns: nothing to learn that the baseline does not know, so the model is rejected', async () => {
    const evaluation = await trainOn('QGIID', '15m', false);
    expect(evaluation.metrics.dmPinballPValue).toBeGreaterThan(0.05);
    expect(evaluation).toMatchObject({
      promote: false,
      reason: expect.stringMatching(/do not beat the baseline's beyond chance/),
    });
  }, 180_000);
});
