import { DescribeTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import type { Client } from '@temporalio/client';
import { connectTemporal } from '../clients/temporal';
import { IndicatorSet } from '../domain/indicators';
import { INTERVAL_MS, type Bar, type BarInterval } from '../domain/market-event';
import { SyntheticMarket } from '../domain/synthetic';
import { deployVersion, startTraining } from '../operations/models';
import { BLOCK_BARS, blocksToRead, completeBlocks, newChain, positionOf } from '../domain/warmup-blocks';
import { BarsStore, type StoredBar } from '../store/bars-store';
import { ModelRegistry } from '../store/model-registry';
import type { Forecast } from '../store/predictions-store';
import { SeriesProgressStore } from '../store/series-progress-store';
import type { TrainingResult } from '../workflows/training-contracts';
import { produce } from '../producer/produce';
import { syntheticSource } from '../producer/sources/synthetic';
import type { BenchStack } from './bench-stack';
import { untilPredicted, untilStored } from './pipeline-probes';

/** Trading days per year: the history is a sequence of daily bars without calendar gaps. */
export const DAYS_PER_YEAR = 252;
export const HISTORY_START = Date.parse('2019-01-02T00:00:00Z');

/** A stream record's sequence number for the bar of `step`, as long as Kinesis' and growing with it. */
const sequenceNumber = (step: number) =>
  `4959033827149025660855969253836157109592157598${String(step).padStart(10, '0')}`;

/** History tickers are named apart from the producer's synthetic ones (SYN0000…), which stay fresh for pipeline runs. */
const historyTicker = (index: number) => `HIS${String(index).padStart(4, '0')}`;

/**
 * History written straight to the bars table, indicators included, as the pipeline would have
 * stored it: a benchmark that needs a model measures training or the pipeline, not ingestion.
 */
export async function seedHistory(
  stack: BenchStack,
  shape: {
    tickers: number;
    bars: number;
    interval: BarInterval;
    /** Each bar with a forecast in its item, as a series predicted all along has (a flat one: what is read, not what it says). */
    forecasts?: boolean;
    /**
     * Series i stores `bars - i % BLOCK_BARS` bars, so that from none to 49 bars follow their newest
     * warm-up block, as in live series at any moment, not none in all.
     */
    stagger?: boolean;
  },
  say: (line: string) => void,
): Promise<{ bars: number; tickers: string[] }> {
  const { tickers, bars: steps, interval } = shape;
  const levels = stack.config.model.quantiles;
  const forecastAt = (bar: Bar): { prediction?: Forecast } =>
    shape.forecasts
      ? {
          prediction: {
            horizon: 1,
            predictedReturn: 0,
            predictedClose: bar.c,
            quantileLevels: levels,
            quantileCloses: levels.map((level) => bar.c * (1 + (level - 0.5) / 50)),
            modelVersion: 'bench-seed',
            predictedAt: bar.t,
          },
        }
      : {};
  const bars = new BarsStore(stack.aws.documents, stack.config.tables.bars);
  const progress = new SeriesProgressStore(stack.aws.documents, stack.config.tables.tickers);
  const stepMs = INTERVAL_MS[interval];
  const market = new SyntheticMarket({ tickers, seed: 7, startTime: HISTORY_START, stepMs });
  const sets = Array.from({ length: tickers }, () => IndicatorSet.empty());
  const rows: StoredBar[][] = Array.from({ length: tickers }, () => []);
  for (let step = 0; step < steps; step++) {
    market.next().forEach(({ bar }, i) =>
      rows[i]!.push({
        ticker: historyTicker(i),
        interval,
        time: new Date(bar.t).toISOString(),
        seq: sequenceNumber(step),
        ...bar,
        ...sets[i]!.add(bar),
        ...forecastAt(bar),
      }),
    );
  }
  let total = 0;
  for (let i = 0; i < tickers; i++) {
    const stored = rows[i]!.slice(0, shape.stagger ? steps - (i % BLOCK_BARS) : steps);
    total += stored.length;
    // With the warm-up blocks the data plane writes beside them, so a cold start reads what it would.
    const chain = newChain(null);
    const blocks = completeBlocks(chain, stored, blocksToRead(stack.config.ingest.warmupBars));
    await bars.putWithBlocks(
      stored,
      blocks.map((block) => ({ ticker: historyTicker(i), interval, block })),
      stack.config.ingest.writeConcurrency,
    );
    const last = stored.at(-1)!;
    await progress.putAll([
      {
        ticker: historyTicker(i),
        interval,
        lastBarTime: last.t,
        lastSeq: last.seq!,
        lastArrivalAt: Date.now(),
        lastStoredAt: Date.now(),
        chain: positionOf(chain),
      },
    ]);
    if ((i + 1) % 50 === 0 || i + 1 === tickers) say(`  history stored for ${i + 1}/${tickers} tickers`);
  }
  return { bars: total, tickers: Array.from({ length: tickers }, (_, i) => historyTicker(i)) };
}

export interface TrainedModel {
  result: TrainingResult;
  wallMs: number;
  /** The SageMaker training job's own start → end. */
  jobMs: number | null;
  /** Whether the benchmark deployed a candidate the evaluation had rejected, to measure serving. */
  deployedAnyway: boolean;
}

/**
 * One training run through the training workflow. Synthetic prices are random walks, so an
 * honest evaluation may reject the model; the endpoint still needs one to be measured, so a
 * rejected candidate is then deployed through the deployment workflow, and the report says so.
 */
export async function trainAndDeploy(
  stack: BenchStack,
  temporal: Client,
  hyperparameters: Record<string, string> = {},
): Promise<TrainedModel> {
  const started = Date.now();
  const handle = await startTraining(temporal, stack.config, { trigger: 'bench', hyperparameters });
  const result = (await handle.result()) as TrainingResult;
  const wallMs = Date.now() - started;
  const registry = new ModelRegistry(stack.aws.documents, stack.config.tables.models);
  const record = await registry.get(result.version);
  let jobMs: number | null = null;
  if (record?.trainingJob) {
    const job = await stack.aws.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: record.trainingJob }));
    if (job.TrainingStartTime && job.TrainingEndTime)
      jobMs = job.TrainingEndTime.getTime() - job.TrainingStartTime.getTime();
  }
  const deployedAnyway = result.decision !== 'promoted';
  if (deployedAnyway)
    await (
      await deployVersion(temporal, stack.config, registry, result.version, 'benchmark: serving latency needs a model')
    ).result();
  return { result, wallMs, jobMs, deployedAnyway };
}

/** The served model as a benchmark's report names it: a candidate the gate rejected says so. */
export const servedModel = (trained: TrainedModel) =>
  `${trained.result.version}${trained.deployedAnyway ? ' (rejected by the gate, deployed for the benchmark)' : ''}`;

/** A model in service for 1-minute bars (trained on 20 tickers × 2,000 bars of history), named as reports name it. */
export async function serveMinuteModel(stack: BenchStack, say: (line: string) => void): Promise<string> {
  const { client, connection } = await connectTemporal(stack.config);
  try {
    say('training a model for 1-minute bars (20 tickers × 2,000 bars of history)');
    await seedHistory(stack, { tickers: 20, bars: 2000, interval: '1m' }, say);
    return servedModel(await trainAndDeploy(stack, client));
  } finally {
    await connection.close();
  }
}

/**
 * A model in service for 1-minute bars and every ticker's workflow started and predicted once
 * (2 bars each, sent at once), so what a benchmark does next measures steady state. Returns the
 * model as reports name it and the time of the next bar to send.
 */
export async function servedAndWarm(
  stack: BenchStack,
  tickers: readonly string[],
  say: (line: string) => void,
): Promise<{ model: string; next: number }> {
  const model = await serveMinuteModel(stack, say);
  const minute = INTERVAL_MS['1m'];
  const start = Date.parse('2024-01-02T14:30:00Z');
  const limitMs = 30 * 60_000;
  say(`model ${model} in service; ${tickers.length} tickers: 2 bars each to start their workflows`);
  await produce(
    stack.aws.kinesis,
    syntheticSource({ tickers: tickers.length, bars: 2, seed: 42, interval: '1m', rate: 'max', startTime: start }),
    { streamName: stack.config.stream.name },
  );
  await untilStored(stack, tickers.length, start + minute, limitMs, say);
  await untilPredicted(stack, tickers, '1m', start + minute, limitMs, say);
  return { model, next: start + 2 * minute };
}
