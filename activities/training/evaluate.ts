import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Context } from '@temporalio/activity';
import * as tar from 'tar';
import { describeEndpoint } from '../../clients/sagemaker-endpoint';
import { decidePromotion, type ForecastMetrics } from '../../domain/forecast-metrics';
import { holdoutScores, perTickerScores, type Holdout, type HoldoutAnswer } from '../../domain/holdout-scores';
import { parseS3Uri } from '../../store/s3-uri';
import type { HoldoutPoint } from '../../store/model-registry';
import type { EvaluateInput, Evaluation } from '../../workflows/training-contracts';
import { invokeModel } from '../invoke-model';
import { sagemakerNames, type TrainingDeps } from './deps';

const SAMPLE_POINTS = 300;
/** Tickers whose own holdout scores the registry keeps (most rows first): a registry row stays far below DynamoDB's 400 KB. */
const PER_TICKER_KEPT = 200;

/**
 * Scores the candidate (its predictions on the test channel, made by the training job) and
 * the model in service (asked through the endpoint, on the very same rows) with one metrics
 * definition, and decides whether to promote.
 */
export function evaluateCandidateActivity(deps: TrainingDeps) {
  return async function evaluateCandidate(input: EvaluateInput): Promise<Evaluation> {
    const { s3 } = deps.aws;
    const test = parseCsvRows(await readText(s3, `${input.dataset.prefix}/test/test.csv`));
    const { trainingOutputPath } = sagemakerNames(deps.config, input.version);
    const index = (await readText(s3, `${input.dataset.prefix}/holdout-index.csv`))
      .trim()
      .split('\n')
      .map((line) => line.split(','));
    const candidate = await readCandidatePredictions(s3, `${trainingOutputPath}/${input.jobName}/output/output.tar.gz`);
    if (candidate.length !== test.length)
      throw new Error(`the training job predicted ${candidate.length} test rows, the dataset has ${test.length}`);
    // Every test row has a label (the export writes only labelled rows).
    const holdout: Holdout = {
      tickers: index.map(([ticker]) => ticker!),
      actual: test.map((row) => row[0] as number),
      times: index.map(([, t]) => Number(t)),
      volatility: index.map(([, , v]) => (v === undefined || v === '' ? null : Number(v))),
      horizon: input.horizon ?? 1,
      trainingNaiveMae: input.dataset.trainingNaiveMae,
    };
    const score = (answer: HoldoutAnswer) => holdoutScores(holdout, answer);
    const candidateAnswer = candidateAnswerOf(candidate, input.quantiles);
    const metrics = score(candidateAnswer);
    const perTicker = perTickerScores(holdout, candidateAnswer, PER_TICKER_KEPT);

    Context.current().heartbeat('scoring the model in service');
    const incumbent = await scoreIncumbent(
      deps,
      test.map((row) => row.slice(1)),
      (answer) => {
        // Pinball losses compare only over the same levels: otherwise the median's MAE decides.
        const sameLevels =
          answer.quantiles && input.quantiles && answer.quantiles.levels.join() === input.quantiles.join();
        return score(sameLevels ? answer : { median: answer.median });
      },
    );
    const record = incumbent ? await deps.registry.get(incumbent.version) : undefined;
    const live = record?.live?.recent;
    const { promote, reason: gateReason } = decidePromotion(
      metrics,
      incumbent && { ...incumbent, ...(live ? { live } : {}) },
    );
    let reason = gateReason;
    if (incumbent) {
      if (record?.dataset && record.dataset.trainEnd >= input.dataset.holdoutStart) {
        reason += `; note: ${incumbent.version} was trained on data up to ${record.dataset.trainEnd}, overlapping this holdout (it is favoured, not the candidate)`;
      }
    }

    // The portal's predicted-vs-actual chart: the most covered ticker's latest holdout rows.
    const counts = new Map<string, number>();
    for (const [ticker] of index) counts.set(ticker!, (counts.get(ticker!) ?? 0) + 1);
    const shown = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
    const holdoutSample: HoldoutPoint[] = index
      .map(([ticker, t], i) => ({
        ticker: ticker!,
        t: Number(t),
        actual: holdout.actual[i]!,
        predicted: candidateAnswer.median[i]!,
      }))
      .filter((p) => p.ticker === shown)
      .slice(-SAMPLE_POINTS);
    return { metrics, ...(incumbent ? { incumbent } : {}), promote, reason, holdoutSample, perTicker };
  };
}

/** The training job's test predictions: one column, or one per quantile level. */
function candidateAnswerOf(rows: number[][], levels: number[] | undefined): HoldoutAnswer {
  if (!levels) return { median: rows.map((row) => row[0]!) };
  if (rows.some((row) => row.length !== levels.length))
    throw new Error(
      `the training job's test predictions do not have one column per quantile level (${levels.join(', ')})`,
    );
  return { median: rows.map((row) => row[levels.indexOf(0.5)]!), quantiles: { levels, values: rows } };
}

async function scoreIncumbent(
  deps: TrainingDeps,
  features: (number | null)[][],
  score: (answer: HoldoutAnswer) => ForecastMetrics,
) {
  const endpointName = deps.config.sagemaker.endpointName;
  const endpoint = await describeEndpoint(deps.aws.sagemaker, endpointName);
  if (endpoint?.EndpointStatus !== 'InService' || !endpoint.ProductionVariants?.length) return null; // no model in service
  const answer = await invokeModel(deps.aws.sagemakerRuntime, endpointName, features);
  return {
    version: answer.modelVersion,
    metrics: score({ median: answer.predictions, ...(answer.quantiles ? { quantiles: answer.quantiles } : {}) }),
  };
}

async function readBytes(s3: S3Client, uri: string): Promise<Uint8Array> {
  const { bucket, key } = parseS3Uri(uri);
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return object.Body!.transformToByteArray();
}

const readText = async (s3: S3Client, uri: string) => Buffer.from(await readBytes(s3, uri)).toString('utf8');

/** The inverse of domain/features' csvLine: empty fields are missing values. */
function parseCsvRows(text: string): (number | null)[][] {
  return text
    .trim()
    .split('\n')
    .map((line) => line.split(',').map((field) => (field === '' ? null : Number(field))));
}

async function readCandidatePredictions(s3: S3Client, uri: string): Promise<number[][]> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'tickflow-eval-'));
  try {
    const archive = path.join(folder, 'output.tar.gz');
    await writeFile(archive, await readBytes(s3, uri));
    await tar.extract({ file: archive, cwd: folder });
    return (await readFile(path.join(folder, 'test-predictions.csv'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => line.split(',').map(Number));
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
