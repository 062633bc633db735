import { execFile } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { toolsDir } from '../../local/services';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateEndpointCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  DescribeTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import * as tar from 'tar';
import type { Bar } from '../../domain/market-event';
import { npyMatrix } from '../../domain/npy-matrix';
import { parseS3Uri } from '../../store/s3-uri';
import { variantsOf } from '../../clients/sagemaker-endpoint';
import { produce } from '../../producer/produce';
import type { MarketSource } from '../../producer/sources/source';
import { BarsStore, predictionsOf } from '../../store/bars-store';
import { ModelRegistry, type ModelRecord } from '../../store/model-registry';
import { liveScoringWorkflow } from '../../workflows/live-scoring';
import { SnsHttpSubscriber, type SnsNotification } from '../../api/sns-subscriber';
import { startApi } from '../../api/server';
import { alertsTopicArn } from '../../clients/alerts-topic';
import { challengerForecasts } from '../../store/predictions-store';
import { SeriesProgressStore } from '../../store/series-progress-store';
import { deployVersion, startTraining } from '../../operations/models';
import { predictionsCaughtUp } from '../../cli/ingestion-progress';
import { LIVE_SCORING_SCHEDULE_ID, tickerWorkflowId, TRAINING_SCHEDULE_ID } from '../../workflows/workflow-ids';
import type { TrainingResult } from '../../workflows/training-contracts';
import {
  openContext,
  replayHistories,
  runTickflow,
  startWorker,
  waitFor,
  waitForIngestion,
  type TestContext,
  type WorkerProcess,
} from './harness';

// The model suite trains on its own interval, so other suites' series never enter its datasets.
/**
 * The model-in-service alert looks back over this many forecasts here: more than the first
 * model's live rows (so that pass says nothing yet, and the gate keeps it), fewer than the burst's.
 */
const ALERT_BARS = 12;
const env = { TICKFLOW_TRAINING_INTERVAL: '1h', TICKFLOW_MODEL_ALERT_BARS: String(ALERT_BARS) };
const TICKER = 'MRV';
const HOUR = 3_600_000;

/**
 * A mean-reverting series (each hour's log return is −0.4 × the previous one plus noise): a
 * model that learns this beats the random walk clearly, so promotion decisions are testable.
 */
function meanRevertingSource(count: number, fromIndex = 0): MarketSource {
  let seed = 42;
  const uniform = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const normal = () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
  const bars: Bar[] = [];
  let close = 100;
  let previous = 0;
  for (let i = 0; i < fromIndex + count; i++) {
    const r = -0.4 * previous + 0.01 * normal();
    const open = close;
    close = open * Math.exp(r);
    previous = r;
    const t = Date.UTC(2024, 0, 1) + i * HOUR;
    bars.push({
      t,
      o: open,
      h: Math.max(open, close) * 1.001,
      l: Math.min(open, close) * 0.999,
      c: close,
      v: Math.round(1e6 * (1 + 0.2 * uniform())),
    });
  }
  return {
    describe: () => `mean-reverting ${TICKER}`,
    total: count,
    ticks: () =>
      bars.slice(fromIndex).map((bar) => ({ atMs: 0, events: [{ ticker: TICKER, interval: '1h' as const, bar }] })),
  };
}

describe('predictions: training, evaluation, promotion and serving on the local SageMaker', () => {
  let context: TestContext;
  let worker: WorkerProcess;
  let registry: ModelRegistry;
  const endpointName = () => context.config.sagemaker.endpointName;
  const onEndpoint = async () =>
    variantsOf(await context.aws.sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName() })));
  const servingVersion = async () => (await onEndpoint()).champion;
  /** Invokes the endpoint until stopped, by weight or at one variant; counts who answered and what failed. */
  const keepInvoking = (targetVariant?: string) => {
    let running = true;
    const seen = new Map<string, number>();
    const errors: string[] = [];
    const done = (async () => {
      while (running) {
        try {
          const r = await context.aws.sagemakerRuntime.send(
            new InvokeEndpointCommand({
              EndpointName: endpointName(),
              ContentType: 'text/csv',
              Body: `${'0.001,'.repeat(14)}0`,
              ...(targetVariant ? { TargetVariant: targetVariant } : {}),
            }),
          );
          const v = r.InvokedProductionVariant ?? '?';
          seen.set(v, (seen.get(v) ?? 0) + 1);
        } catch (error) {
          errors.push((error as Error).message);
        }
        await sleep(10);
      }
    })();
    return {
      seen,
      errors,
      stop: async () => {
        running = false;
        await done;
      },
    };
  };
  /** One pass of live scoring, as the hourly Schedule runs it. */
  const scoreLive = () =>
    context.temporal.workflow.execute(liveScoringWorkflow, {
      workflowId: `live-scoring-test-${Date.now()}`,
      taskQueue: context.config.model.trainingTaskQueue,
    });
  let worse: TrainingResult;
  const train = async (hyperparameters: Record<string, string>) =>
    (
      await startTraining(context.temporal, context.config, { trigger: 'test', hyperparameters })
    ).result() as Promise<TrainingResult>;
  let first: TrainingResult;
  const predictionsCaughtUpFor = (what: string) =>
    waitFor(
      what,
      () =>
        predictionsCaughtUp(
          new SeriesProgressStore(context.aws.documents, context.config.tables.tickers),
          TICKER,
          '1h',
        ),
      120_000,
    );

  beforeAll(async () => {
    context = await openContext(env);
    registry = new ModelRegistry(context.aws.documents, context.config.tables.models);
    worker = startWorker('model', env);
    const summary = await produce(context.aws.kinesis, meanRevertingSource(1500), {
      streamName: context.config.stream.name,
    });
    await waitForIngestion(context, summary.lastSequenceByShard, [{ ticker: TICKER, interval: '1h' }], worker);
  });

  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await context?.close();
  });

  test('a first training run end to end: dataset in S3, job Completed, artifact in S3, registry row, endpoint InService answering', async () => {
    // Deliberately small (stumps, few rounds): good enough to beat the random walk, easy to beat later.
    first = await train({ max_depth: '1', num_round: '15', eta: '0.05', early_stopping_rounds: '15' });
    expect(first).toMatchObject({ decision: 'promoted' });
    expect(first.metrics!.maeRatio).toBeLessThan(1);

    const record = (await registry.get(first.version))!;
    expect(record).toMatchObject({
      decision: 'promoted',
      interval: '1h',
      horizon: 1,
      trainingJob: `tickflow-${first.version}`,
    });
    expect(record.dataset!.trainEnd < record.dataset!.holdoutStart).toBe(true);
    for (const key of [
      `${record.dataset!.prefix}/train/train.csv`,
      `${record.dataset!.prefix}/test/test.csv`,
      record.artifact!,
    ]) {
      const { bucket, key: objectKey } = parseS3Uri(key);
      await expect(
        context.aws.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: objectKey })),
      ).resolves.toBeDefined();
    }
    const job = await context.aws.sagemaker.send(
      new DescribeTrainingJobCommand({ TrainingJobName: record.trainingJob! }),
    );
    expect(job).toMatchObject({
      TrainingJobStatus: 'Completed',
      ModelArtifacts: { S3ModelArtifacts: record.artifact },
    });

    const endpoint = await context.aws.sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName() }));
    expect(endpoint).toMatchObject({
      EndpointStatus: 'InService',
      ProductionVariants: [expect.objectContaining({ VariantName: first.version })],
    });
    // A quantile model: every level per row, ascending, in CSV and in JSON (which names the levels).
    const body = `${'0.01,'.repeat(14)}0.01\n${','.repeat(14)}`;
    const csv = await context.aws.sagemakerRuntime.send(
      new InvokeEndpointCommand({ EndpointName: endpointName(), ContentType: 'text/csv', Body: body }),
    );
    const rows = Buffer.from(csv.Body!)
      .toString()
      .trim()
      .split('\n')
      .map((line) => line.split(',').map(Number));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toHaveLength(3);
      expect(row.every(Number.isFinite)).toBe(true);
      expect([...row].sort((a, b) => a - b)).toEqual(row);
    }
    const json = await context.aws.sagemakerRuntime.send(
      new InvokeEndpointCommand({
        EndpointName: endpointName(),
        ContentType: 'text/csv',
        Accept: 'application/json',
        Body: body,
      }),
    );
    expect(JSON.parse(Buffer.from(json.Body!).toString())).toEqual({
      predictions: rows.map((row) => row.map((v) => expect.closeTo(v, 8))),
      quantiles: [0.1, 0.5, 0.9],
    });
    // The same rows as the NumPy array tickflow sends: the same answer, in JSON.
    const npy = await context.aws.sagemakerRuntime.send(
      new InvokeEndpointCommand({
        EndpointName: endpointName(),
        ContentType: 'application/x-npy',
        Body: npyMatrix([Array<number>(15).fill(0.01), Array<null>(15).fill(null)]),
      }),
    );
    expect(npy.ContentType).toBe('application/json');
    expect(JSON.parse(Buffer.from(npy.Body!).toString())).toEqual({
      predictions: rows.map((row) => row.map((v) => expect.closeTo(v, 8))),
      quantiles: [0.1, 0.5, 0.9],
    });
    // A body that is not an array is the caller's fault, said as such.
    await expect(
      context.aws.sagemakerRuntime.send(
        new InvokeEndpointCommand({ EndpointName: endpointName(), ContentType: 'application/x-npy', Body: 'not npy' }),
      ),
    ).rejects.toThrow(/malformed npy/);
    expect(record.hyperparameters).toMatchObject({ quantiles: '0.1,0.5,0.9' });
    expect(first.metrics).toMatchObject({
      pinballRatio: expect.any(Number),
      coverage: expect.any(Number),
      coverageNominal: expect.closeTo(0.8, 9),
      dmPinballPValue: expect.any(Number),
    });
    // One ticker here: its own holdout scores are the pooled ones.
    expect(record.perTicker).toEqual([
      expect.objectContaining({
        ticker: TICKER,
        rows: first.metrics!.rows,
        maeRatio: expect.closeTo(first.metrics!.maeRatio, 12),
        pinballRatio: expect.closeTo(first.metrics!.pinballRatio!, 12),
      }),
    ]);
    const { stdout } = await runTickflow(['models', '--per-ticker', first.version], env);
    expect(stdout).toMatch(
      new RegExp(`^${TICKER}\\s+${first.metrics!.rows}\\s+${first.metrics!.maeRatio.toFixed(4)}`, 'm'),
    );
  });

  test('every stored bar ends with a prediction from the model in service', async () => {
    await predictionsCaughtUpFor('MRV predictions');
    const bars = await new BarsStore(context.aws.documents, context.config.tables.bars).range(TICKER, '1h');
    // One item per bar: each bar's item holds the forecast made at it.
    const predictions = predictionsOf(TICKER, '1h', bars);
    expect(predictions.map((p) => p.t)).toEqual(bars.map((b) => b.t));
    expect(new Set(predictions.map((p) => p.modelVersion))).toEqual(new Set([first.version]));
    const last = predictions[predictions.length - 1]!;
    expect(last.predictedClose).toBeCloseTo(bars[bars.length - 1]!.c * Math.exp(last.predictedReturn), 9);
    // Each prediction carries the model's range: the close at every level, the median among them.
    for (const p of predictions) {
      expect(p.quantileLevels).toEqual([0.1, 0.5, 0.9]);
      expect(p.quantileCloses![1]).toBeCloseTo(p.predictedClose, 9);
      expect(p.quantileCloses![0]).toBeLessThanOrEqual(p.quantileCloses![1]!);
      expect(p.quantileCloses![1]).toBeLessThanOrEqual(p.quantileCloses![2]!);
    }
  });

  test('while predictions are caught up, new bars are predicted in the shard read that stores them: no ticker workflow, no predictBars', async () => {
    const live = meanRevertingSource(10, 1500);
    const lastBar = Date.UTC(2024, 0, 1) + 1509 * HOUR;
    const summary = await produce(context.aws.kinesis, live, { streamName: context.config.stream.name });
    await waitForIngestion(context, summary.lastSequenceByShard, [{ ticker: TICKER, interval: '1h' }], worker);
    const barsStore = new BarsStore(context.aws.documents, context.config.tables.bars);
    await waitFor(
      'MRV predicted through its last bar',
      async () => {
        const newest = await barsStore.latest(TICKER, '1h');
        return newest?.t === lastBar && newest.prediction !== undefined;
      },
      60_000,
    );
    const bar = (await barsStore.latest(TICKER, '1h'))!;
    const progress = (await new SeriesProgressStore(context.aws.documents, context.config.tables.tickers).get(
      TICKER,
      '1h',
    ))!;
    // Predicted before the bar was stored with it, in the read that stored it (then progress).
    expect(bar.prediction!.predictedAt).toBeLessThanOrEqual(progress.lastStoredAt);
    expect(bar.t).toBe(lastBar);
    const tickerRuns = [];
    for await (const run of context.temporal.workflow.list({
      query: `WorkflowId = "${tickerWorkflowId(TICKER, '1h')}"`,
    }))
      tickerRuns.push(run);
    expect(tickerRuns).toEqual([]);
  });

  test('the model in service is scored live on the bars after its training data; `tickflow models --json` shows it', async () => {
    const scored = await scoreLive();
    const record = (await registry.get(first.version))!;
    const since = Date.parse(record.dataset!.dataEnd);
    const bars = await new BarsStore(context.aws.documents, context.config.tables.bars).range(TICKER, '1h', since + 1);
    // Every bar after the training data has its forecast scored once the bar `horizon` later is in.
    const expected = bars.length - record.horizon;
    expect(expected).toBeGreaterThanOrEqual(9);
    expect(scored).toMatchObject({ version: first.version, rows: expected });
    const { stdout } = await runTickflow(['models', '--json'], env);
    const shown = (JSON.parse(stdout) as { models: ModelRecord[] }).models.find((m) => m.version === first.version)!;
    expect(shown.live).toMatchObject({ rows: expected, since: new Date(since).toISOString() });
    expect(shown.live!.maeRatio).toBeGreaterThan(0);
    expect(shown.live!.pinballRatio).toBeGreaterThan(0);
    expect(shown.live!.coverage).toBeGreaterThanOrEqual(0);
    expect(shown.live!.coverageNominal).toBeCloseTo(0.8, 12);
    // The API (the portal's source) publishes the same scores.
    const api = await startApi(context.config, { port: 0 });
    try {
      const models = (await (await fetch(`${api.url}/api/models`)).json()) as Array<{ version: string; live: unknown }>;
      expect(models.find((m) => m.version === first.version)!.live).toEqual({ ...shown.live, recent: undefined });
    } finally {
      await api.close();
    }
  });

  test('a worse candidate is rejected with its reason; the champion keeps the traffic and the candidate is staged as the challenger', async () => {
    worse = await train({ num_round: '1', eta: '0.001', early_stopping_rounds: '1' });
    expect(worse).toMatchObject({ decision: 'rejected', incumbent: { version: first.version } });
    expect(worse.reason).toMatch(/random walk|not below/);
    expect((await registry.get(worse.version))!.decision).toBe('rejected');
    const endpoint = await context.aws.sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName() }));
    expect(endpoint.EndpointStatus).toBe('InService');
    expect(endpoint.ProductionVariants).toEqual([
      expect.objectContaining({ VariantName: first.version, CurrentWeight: 1 }),
      expect.objectContaining({ VariantName: worse.version, CurrentWeight: 0 }),
    ]);
    // Weight 0: untargeted invocations all go to the champion; TargetVariant reaches the challenger.
    const untargeted = keepInvoking();
    const targeted = keepInvoking(worse.version);
    await sleep(1_000);
    await Promise.all([untargeted.stop(), targeted.stop()]);
    expect([untargeted.errors, targeted.errors]).toEqual([[], []]);
    expect([...untargeted.seen.keys()]).toEqual([first.version]);
    expect([...targeted.seen.keys()]).toEqual([worse.version]);
    await expect(
      context.aws.sagemakerRuntime.send(
        new InvokeEndpointCommand({
          EndpointName: endpointName(),
          ContentType: 'text/csv',
          Body: `${'0,'.repeat(14)}0`,
          TargetVariant: 'v00000000-000000',
        }),
      ),
    ).rejects.toThrow(/variant v00000000-000000 does not exist/);
    // boto3 drives it unchanged too: the local SageMaker speaks the wire protocol, not one SDK.
    const boto3 = [
      'import boto3, sys',
      `rt = boto3.client('sagemaker-runtime', endpoint_url='${context.config.endpoints.sagemaker}', region_name='us-east-1', aws_access_key_id='test', aws_secret_access_key='test')`,
      `r = rt.invoke_endpoint(EndpointName='${endpointName()}', ContentType='text/csv', Body='${'0,'.repeat(14)}0', TargetVariant=sys.argv[1])`,
      "print(r['InvokedProductionVariant'])",
    ].join('\n');
    const { stdout } = await promisify(execFile)(path.join(toolsDir, 'venv', 'bin', 'python'), [
      '-c',
      boto3,
      worse.version,
    ]);
    expect(stdout.trim()).toBe(worse.version);
  });

  test('the challenger forecasts the same live bars through its own variant and is scored on them; `tickflow models --json` shows both', async () => {
    // Bars after the challenger's training data (the later replay test sends them again: duplicates).
    const summary = await produce(context.aws.kinesis, meanRevertingSource(20, 1510), {
      streamName: context.config.stream.name,
    });
    await waitForIngestion(context, summary.lastSequenceByShard, [{ ticker: TICKER, interval: '1h' }], worker);
    const scored = await scoreLive();
    const record = (await registry.get(worse.version))!;
    const since = Date.parse(record.dataset!.dataEnd);
    const bars = await new BarsStore(context.aws.documents, context.config.tables.bars).range(TICKER, '1h', since + 1);
    const forecasts = challengerForecasts(context.aws.documents, context.config.tables.predictions, worse.version);
    const stored = await forecasts.range(TICKER, '1h');
    expect(stored.map((p) => p.t)).toEqual(bars.map((b) => b.t));
    expect(new Set(stored.map((p) => p.modelVersion))).toEqual(new Set([worse.version]));
    const expected = bars.length - record.horizon;
    expect(expected).toBeGreaterThanOrEqual(19);
    expect(scored.challenger).toEqual({ version: worse.version, rows: expected });
    // A second pass forecasts nothing new (no new bars) and scores the same rows.
    await scoreLive();
    expect(await forecasts.count(TICKER, '1h')).toBe(bars.length);
    const { stdout } = await runTickflow(['models', '--json'], env);
    const shown = JSON.parse(stdout) as { inService: string; challenger: string; models: ModelRecord[] };
    expect(shown).toMatchObject({ inService: first.version, challenger: worse.version });
    const live = shown.models.find((m) => m.version === worse.version)!.live!;
    expect(live).toMatchObject({ rows: expected, since: new Date(since).toISOString() });
    expect(live.pinballRatio).toBeGreaterThan(0);
    expect(live.maeRatio).toBeGreaterThan(0);
    // The champion's passes were incremental (the second and third read only the 20 new bars):
    // together they scored every forecast after its training data, as one pass over all would.
    const champion = (await registry.get(first.version))!;
    const championBars = await new BarsStore(context.aws.documents, context.config.tables.bars).range(
      TICKER,
      '1h',
      Date.parse(champion.dataset!.dataEnd) + 1,
    );
    expect(shown.models.find((m) => m.version === first.version)!.live!.rows).toBe(
      championBars.length - champion.horizon,
    );
  });

  test('a better candidate is promoted blue/green: zero errors, by weight and at the challenger (TargetVariant), all through the update', async () => {
    const untargeted = keepInvoking();
    const targeted = keepInvoking(worse.version);
    const better = await train({});
    await Promise.all([untargeted.stop(), targeted.stop()]);
    expect(better).toMatchObject({ decision: 'promoted', incumbent: { version: first.version } });
    expect(better.metrics!.mae).toBeLessThan(better.incumbent!.metrics.mae);
    expect([untargeted.errors, targeted.errors]).toEqual([[], []]);
    expect([...untargeted.seen.keys()].sort()).toEqual([first.version, better.version].sort());
    expect([...targeted.seen.keys()]).toEqual([worse.version]);
    // The latest rejected candidate stays the challenger beside the new champion.
    expect(await onEndpoint()).toEqual({ champion: better.version, challenger: worse.version });
    const deployments = await registry.deployments();
    expect(deployments[0]).toMatchObject({ version: better.version, previous: first.version });
  });

  test('a model whose serve process fails /ping is not put in service; the old model keeps serving', async () => {
    const serving = (await servingVersion())!;
    // A well-formed archive holding a model file XGBoost cannot load.
    const chunks: Buffer[] = [];
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/tickflow-bad-model-');
    writeFileSync(`${dir}/xgboost-model.json`, '{"not": "a model"}');
    for await (const chunk of tar.create({ gzip: true, cwd: dir }, ['xgboost-model.json']))
      chunks.push(chunk as Buffer);
    const key = 'models/broken/model.tar.gz';
    await context.aws.s3.send(
      new PutObjectCommand({ Bucket: context.config.bucket, Key: key, Body: Buffer.concat(chunks) }),
    );
    const now = new Date().toISOString();
    await registry.put({
      version: 'v19990101-000000',
      createdAt: now,
      updatedAt: now,
      workflowId: 'test',
      trigger: 'test',
      interval: '1h',
      horizon: 1,
      decision: 'rejected',
      reason: 'test fixture',
      hyperparameters: {},
      artifact: `s3://${context.config.bucket}/${key}`,
    });

    const handle = await deployVersion(
      context.temporal,
      context.config,
      registry,
      'v19990101-000000',
      'test: broken model',
    );
    await expect(handle.result()).rejects.toThrow();
    const endpoint = await context.aws.sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName() }));
    expect(endpoint.EndpointStatus).toBe('InService');
    expect(endpoint.FailureReason).toMatch(/did not pass the ping health check/);
    expect(await servingVersion()).toBe(serving);
    const r = await context.aws.sagemakerRuntime.send(
      new InvokeEndpointCommand({ EndpointName: endpointName(), ContentType: 'text/csv', Body: `${'0,'.repeat(14)}0` }),
    );
    expect(r.InvokedProductionVariant).toBe(serving);
  });

  test('with the endpoint gone mid-replay, bars are still stored on time and every one is predicted once it is back', async () => {
    const { EndpointConfigName } = await context.aws.sagemaker.send(
      new DescribeEndpointCommand({ EndpointName: endpointName() }),
    );
    await context.aws.sagemaker.send(new DeleteEndpointCommand({ EndpointName: endpointName() }));
    await waitFor(
      'endpoint deleted',
      async () =>
        !(await context.aws.sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName() })).then(
          () => true,
          () => false,
        )),
      30_000,
    );

    const summary = await produce(context.aws.kinesis, meanRevertingSource(200, 1500), {
      streamName: context.config.stream.name,
    });
    await waitForIngestion(context, summary.lastSequenceByShard, [{ ticker: TICKER, interval: '1h' }], worker);
    const predictions = new BarsStore(context.aws.documents, context.config.tables.bars).forecasts;
    expect(await new BarsStore(context.aws.documents, context.config.tables.bars).count(TICKER, '1h')).toBe(1700);
    // Stored without waiting for the endpoint: the new bars have no predictions yet.
    expect((await predictions.range(TICKER, '1h')).length).toBeLessThan(1700);

    await context.aws.sagemaker.send(new CreateEndpointCommand({ EndpointName: endpointName(), EndpointConfigName }));
    await predictionsCaughtUpFor('MRV predictions after the endpoint came back');
    expect((await predictions.range(TICKER, '1h')).length).toBe(1700);
  });

  test('training and deployment histories replay without non-determinism', async () => {
    await replayHistories(
      context,
      `WorkflowType IN ('trainingWorkflow', 'deployModelWorkflow', 'stageChallengerWorkflow', 'liveScoringWorkflow') OR WorkflowId = '${tickerWorkflowId(TICKER, '1h')}'`,
      3,
    );
  });

  test('the retraining Schedule exists with a 3-day interval and skips overlapping runs; live scoring runs hourly', async () => {
    const schedule = await context.temporal.schedule.getHandle(TRAINING_SCHEDULE_ID).describe();
    expect(schedule.spec.intervals).toEqual([expect.objectContaining({ every: 3 * 24 * HOUR })]);
    expect(schedule.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    expect(schedule.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'trainingWorkflow',
      taskQueue: context.config.model.trainingTaskQueue,
    });
    const scoring = await context.temporal.schedule.getHandle(LIVE_SCORING_SCHEDULE_ID).describe();
    expect(scoring.spec.intervals).toEqual([expect.objectContaining({ every: HOUR })]);
    expect(scoring.action).toMatchObject({ type: 'startWorkflow', workflowType: 'liveScoringWorkflow' });
  });

  test('when the model in service does worse than the baseline over its last forecasts, one alert goes out through SNS', async () => {
    const received: SnsNotification[] = [];
    const subscriber = await SnsHttpSubscriber.start({
      sns: context.aws.sns,
      topicArn: await alertsTopicArn(context.aws.sns, context.config)(),
      onNotification: (n) => received.push(n),
    });
    try {
      // A volatility burst the model never saw (±20 % an hour): its ranges stay as narrow as in
      // training, while the baseline's RiskMetrics range widens within a few bars.
      const last = (await new BarsStore(context.aws.documents, context.config.tables.bars).latest(TICKER, '1h'))!;
      let close = last.c;
      const burst: Bar[] = Array.from({ length: ALERT_BARS + 6 }, (_, k) => {
        const open = close;
        close = open * Math.exp(k % 2 === 0 ? 0.2 : -0.2);
        return {
          t: last.t + (k + 1) * HOUR,
          o: open,
          h: Math.max(open, close),
          l: Math.min(open, close),
          c: close,
          v: 1e6,
        };
      });
      const summary = await produce(
        context.aws.kinesis,
        {
          describe: () => `a volatility burst of ${TICKER}`,
          total: burst.length,
          ticks: () => burst.map((bar) => ({ atMs: 0, events: [{ ticker: TICKER, interval: '1h' as const, bar }] })),
        },
        { streamName: context.config.stream.name },
      );
      await waitForIngestion(context, summary.lastSequenceByShard, [{ ticker: TICKER, interval: '1h' }], worker);
      const barsStore = new BarsStore(context.aws.documents, context.config.tables.bars);
      await waitFor(
        'the burst predicted',
        async () => {
          const newest = await barsStore.latest(TICKER, '1h');
          return newest?.t === burst.at(-1)!.t && newest.prediction !== undefined;
        },
        60_000,
      );

      const scored = await scoreLive();
      expect(scored).toMatchObject({ version: await servingVersion(), alerted: true });
      await waitFor('the alert at the subscriber', async () => received.length > 0, 10_000);
      expect(JSON.parse(received[0]!.message)).toMatchObject({
        kind: 'model-worse-than-baseline',
        version: scored.version,
        bars: ALERT_BARS,
        rows: ALERT_BARS,
        worseThanBaseline: true,
      });
      // Once, not every hour while it stays worse.
      expect(await scoreLive()).toMatchObject({ version: scored.version, alerted: false });
      expect((await registry.get(scored.version!))!.live!.recent).toMatchObject({ worseThanBaseline: true });
      await sleep(1000);
      expect(received).toHaveLength(1);
    } finally {
      await subscriber.close();
    }
  });
});
