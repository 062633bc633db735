import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { TickflowConfig } from '../config/config';
import { compareSequence } from '../domain/sequence';
import type { TickerProgress } from '../workflows/ingest-contracts';
import { checkpointQuery } from '../workflows/shard-reader';
import { progressQuery } from '../workflows/ticker';
import { shardReaderWorkflowId, tickerWorkflowId } from '../workflows/workflow-ids';
import type { SeriesProgressStore } from '../store/series-progress-store';

export interface CatchUpTarget {
  /** Newest sequence number written per shard (from the producer's summary). */
  lastSequenceByShard: Record<string, string>;
  series: Array<{ ticker: string; interval: string }>;
}

async function tickerProgress(client: Client, ticker: string, interval: string): Promise<TickerProgress | undefined> {
  try {
    return await client.workflow.getHandle(tickerWorkflowId(ticker, interval)).query(progressQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/**
 * True once every shard reader has read past what was produced and every ticker in workflow
 * mode has processed all it was handed: the pipeline has caught up with the producer.
 */
async function caughtUp(client: Client, config: TickflowConfig, target: CatchUpTarget): Promise<boolean> {
  for (const [shardId, sequence] of Object.entries(target.lastSequenceByShard)) {
    const checkpoint = await client.workflow
      .getHandle(shardReaderWorkflowId(config.stream.name, shardId))
      .query(checkpointQuery)
      .catch(() => undefined);
    if (!checkpoint?.afterSequence || compareSequence(checkpoint.afterSequence, sequence) < 0) return false;
  }
  for (const { ticker, interval } of target.series) {
    const progress = await tickerProgress(client, ticker, interval);
    if (progress && progress.mode !== 'fast' && (progress.pendingBatches > 0 || progress.processing)) return false;
  }
  return true;
}

export async function waitUntilCaughtUp(
  client: Client,
  config: TickflowConfig,
  target: CatchUpTarget,
  options: { timeoutMs: number; onWait?: () => Promise<void> | void; pollMs?: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (!(await caughtUp(client, config, target))) {
    if (Date.now() > deadline) throw new Error(`ingestion did not catch up within ${options.timeoutMs / 1000}s`);
    await options.onWait?.();
    await sleep(options.pollMs ?? 500);
  }
}

/** True once every stored bar of the series carries a prediction. */
export async function predictionsCaughtUp(
  series: SeriesProgressStore,
  ticker: string,
  interval: string,
): Promise<boolean> {
  const progress = await series.get(ticker, interval);
  return progress !== undefined && progress.predictedThrough === progress.lastBarTime;
}
