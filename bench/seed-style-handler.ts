import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type KinesisClient,
  type _Record,
} from '@aws-sdk/client-kinesis';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { invokeModel } from '../activities/invoke-model';
import { FEATURE_LOOKBACK, featureRows } from '../domain/features';
import { IndicatorSet } from '../domain/indicators';
import { parseMarketEvent, toBar } from '../domain/market-event';
import { seriesKey } from '../domain/series-key';
import { BarsStore, type StoredBar } from '../store/bars-store';

/**
 * The seed design's real-time path, for comparison only: a stateless per-record handler like
 * its Lambda behind a Kinesis event source mapping. For every record it decodes the event,
 * recomputes the indicators from the stored history (a Lambda keeps no state between
 * invocations), calls the endpoint once for that bar and puts one item.
 */
export interface SeedStyleDeps {
  kinesis: KinesisClient;
  documents: DynamoDBDocumentClient;
  runtime: SageMakerRuntimeClient;
  table: string;
  endpointName: string;
  horizon: number;
}

/** Bars of history a stateless handler reads to recompute the indicators (SMA/EMA 50 need 50). */
const HISTORY_BARS = 100;
/** Records per invocation: the event source mapping's default batch size. */
const BATCH_SIZE = 100;

async function handleRecord(deps: SeedStyleDeps, history: BarsStore, record: _Record): Promise<number> {
  const started = performance.now();
  const parsed = parseMarketEvent(record.Data ?? new Uint8Array());
  if (!parsed.ok) return performance.now() - started;
  const { ticker, interval } = parsed.event;
  const bar = toBar(parsed.event);
  const before = await history.lastBefore(ticker, interval, bar.t, HISTORY_BARS);
  const indicators = IndicatorSet.warmUp(before);
  const row: StoredBar = { ticker, interval, time: new Date(bar.t).toISOString(), ...bar, ...indicators.add(bar) };
  const [features] = featureRows([row], deps.horizon, before.slice(-FEATURE_LOOKBACK));
  const answer = await invokeModel(deps.runtime, deps.endpointName, [features!.features]);
  await deps.documents.send(
    new PutCommand({
      TableName: deps.table,
      Item: {
        pk: seriesKey(ticker, interval),
        ...row,
        predictedReturn: answer.predictions[0],
        modelVersion: answer.modelVersion,
      },
    }),
  );
  return performance.now() - started;
}

/**
 * Consumes `streamName` from its start like the event source mapping (one invocation at a
 * time per shard, records in order) until `expected` records were handled; returns each
 * record's handling time in milliseconds.
 */
export async function consumeSeedStyle(deps: SeedStyleDeps, streamName: string, expected: number): Promise<number[]> {
  const history = new BarsStore(deps.documents, deps.table);
  const { Shards: shards = [] } = await deps.kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  const latencies: number[] = [];
  await Promise.all(
    shards.map(async ({ ShardId }) => {
      const start = await deps.kinesis.send(
        new GetShardIteratorCommand({ StreamName: streamName, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      let iterator = start.ShardIterator;
      while (iterator && latencies.length < expected) {
        const page = await deps.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: BATCH_SIZE }));
        for (const record of page.Records ?? []) latencies.push(await handleRecord(deps, history, record));
        iterator = page.NextShardIterator;
        if ((page.Records ?? []).length === 0) await sleep(200);
      }
    }),
  );
  return latencies;
}
