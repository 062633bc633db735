import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ForecastMetrics } from '../../domain/forecast-metrics';
import type { ModelRecord } from '../../store/model-registry';
import type {
  DatasetSummary,
  Evaluation,
  TrainingActivities,
  TrainingJobOutcome,
} from '../../workflows/training-contracts';
import { trainingWorkflow } from '../../workflows/training';
import { startWorkflowTestServer, type WorkflowTestServer } from './workflow-environment';

/** The training workflow's decisions (promote, reject, fail) with its activities mocked. */
jest.setTimeout(60_000);

const dataset: DatasetSummary = {
  prefix: 's3://bucket/datasets/v/',
  tickers: 1,
  trainRows: 800,
  holdoutRows: 200,
  dataStart: '2013-05-13',
  trainEnd: '2017-05-01',
  holdoutStart: '2017-05-02',
  dataEnd: '2018-05-11',
  trainingNaiveMae: 0.01,
};
const metrics = { rows: 200, maeRatio: 0.98 } as ForecastMetrics;

/** What each test's mocked activities answer, and what they were asked. */
const script: {
  job: TrainingJobOutcome;
  evaluation: Evaluation;
  smokeTest: () => Promise<void>;
  /** What stageChallenger finds serving (null: no endpoint). */
  champion: string | null;
  calls: string[];
  hyperparameters: Record<string, string>[];
  registry: Array<Partial<ModelRecord>>;
} = {
  job: { status: 'Completed', artifact: 's3://bucket/models/v/model.tar.gz' },
  evaluation: { metrics, promote: true, reason: 'beats the baseline', holdoutSample: [] },
  smokeTest: async () => undefined,
  champion: 'v1',
  calls: [],
  hyperparameters: [],
  registry: [],
};
const called = (name: string) => script.calls.push(name);
const activities: TrainingActivities = {
  recordModel: async (record) => void script.registry.push(record),
  updateModel: async ({ change }) => void script.registry.push(change),
  exportDataset: async () => (called('exportDataset'), dataset),
  startTrainingJob: async ({ hyperparameters }) => {
    script.hyperparameters.push(hyperparameters);
    return 'tickflow-job';
  },
  awaitTrainingJob: async () => script.job,
  evaluateCandidate: async () => (called('evaluateCandidate'), script.evaluation),
  deployModel: async () => (called('deployModel'), { previous: null, endpointConfig: 'c', challenger: null }),
  stageChallenger: async () => {
    called('stageChallenger');
    return script.champion === null
      ? null
      : { version: script.champion, previous: null, endpointConfig: 'c2', challenger: 'v2' };
  },
  awaitEndpoint: async ({ endpointConfig }) => void called(`awaitEndpoint ${endpointConfig}`),
  smokeTestEndpoint: async ({ version, challenger }) => {
    called(`smokeTestEndpoint ${version}${challenger ? `+${challenger}` : ''}`);
    return script.smokeTest();
  },
  recordDeployment: async () => void called('recordDeployment'),
  scoreModelInService: async () => ({ version: null, rows: 0, alerted: false }),
  scoreChallenger: async () => ({ version: null, rows: 0 }),
};

let server: WorkflowTestServer;
beforeAll(async () => {
  server = await startWorkflowTestServer('training-test', activities);
});
afterAll(() => server?.stop());
beforeEach(() => {
  script.job = { status: 'Completed', artifact: 's3://bucket/models/v/model.tar.gz' };
  script.evaluation = { metrics, promote: true, reason: 'beats the baseline', holdoutSample: [] };
  script.smokeTest = async () => undefined;
  script.champion = 'v1';
  script.calls = [];
  script.hyperparameters = [];
  script.registry = [];
});

const train = (hyperparameters?: Record<string, string>) =>
  server.env.client.workflow.execute(trainingWorkflow, {
    workflowId: `training-${Math.random()}`,
    taskQueue: server.taskQueue,
    args: [
      {
        trigger: 'test',
        ...(hyperparameters ? { hyperparameters } : {}),
        config: { endpointName: 'test-endpoint', interval: '1d', horizon: 1, quantiles: [0.1, 0.5, 0.9] },
      },
    ],
  });
const lastDecision = () => script.registry.filter((r) => r.decision).at(-1);

test('a candidate the gate promotes is deployed blue/green, smoke-tested and recorded as promoted', async () => {
  const result = await train();
  expect(result).toMatchObject({ decision: 'promoted', reason: 'beats the baseline' });
  expect(script.calls).toEqual([
    'exportDataset',
    'evaluateCandidate',
    'deployModel',
    'awaitEndpoint c',
    `smokeTestEndpoint ${result.version}`,
    'recordDeployment',
  ]);
  expect(lastDecision()).toMatchObject({ decision: 'promoted' });
  // The configured quantile levels reach the training job as a hyperparameter.
  expect(script.hyperparameters).toEqual([{ quantiles: '0.1,0.5,0.9' }]);
});

test('a candidate the gate rejects is recorded with the reason, then staged as the challenger beside the champion', async () => {
  script.evaluation = { metrics, promote: false, reason: 'no better than the baseline', holdoutSample: [] };
  expect(await train({ quantiles: '' })).toMatchObject({ decision: 'rejected', reason: 'no better than the baseline' });
  expect(script.calls).toEqual([
    'exportDataset',
    'evaluateCandidate',
    'stageChallenger',
    'awaitEndpoint c2',
    'smokeTestEndpoint v1+v2',
  ]);
  expect(lastDecision()).toMatchObject({ decision: 'rejected', reason: 'no better than the baseline' });
  // An override wins over the configured levels (here: a point model).
  expect(script.hyperparameters).toEqual([{ quantiles: '' }]);
});

test('a rejection stands when there is no champion to stage beside, or the staging fails', async () => {
  script.evaluation = { metrics, promote: false, reason: 'no better than the baseline', holdoutSample: [] };
  script.champion = null;
  expect(await train()).toMatchObject({ decision: 'rejected' });
  expect(script.calls).toEqual(['exportDataset', 'evaluateCandidate', 'stageChallenger']);
  script.champion = 'v1';
  script.smokeTest = async () => {
    throw ApplicationFailure.create({ message: 'the challenger answered 500', nonRetryable: true });
  };
  expect(await train()).toMatchObject({ decision: 'rejected' });
  expect(lastDecision()).toMatchObject({ decision: 'rejected', reason: 'no better than the baseline' });
  // Marked, so it never rides along with (and fails) a later deployment.
  expect(script.registry.at(-1)).toEqual({ challengerFailure: 'the challenger answered 500' });
});

test('a failed training job fails the run and is recorded as failed, before any evaluation', async () => {
  script.job = { status: 'Failed', failureReason: 'AlgorithmError: out of memory' };
  const failure = await train().catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  expect((failure as WorkflowFailedError).cause?.message).toBe(
    'training job tickflow-job Failed: AlgorithmError: out of memory',
  );
  expect(script.calls).toEqual(['exportDataset']);
  expect(lastDecision()).toMatchObject({ decision: 'failed' });
});

test('a promotion whose deployment fails is recorded as failed, naming both', async () => {
  script.smokeTest = async () => {
    throw ApplicationFailure.create({ message: 'smoke test answered 500', nonRetryable: true });
  };
  const failure = (await train().catch((error: unknown) => error)) as WorkflowFailedError;
  expect(failure.cause?.message).toBe('beats the baseline, but the deployment failed: smoke test answered 500');
  expect(script.calls).not.toContain('recordDeployment');
  expect(lastDecision()).toMatchObject({ decision: 'failed' });
});
