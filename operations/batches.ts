import type { Client } from '@temporalio/client';
import type { BarInterval } from '../domain/market-event';
import type { FailedBatch } from '../domain/ticker-state';
import { progressQuery, replayFailedBatchUpdate } from '../workflows/ticker';

export const FAILED_QUERY = 'BatchStatus = "Failed" AND ExecutionStatus = "Running"';

export interface FailedSeries extends FailedBatch {
  ticker: string;
  interval: BarInterval;
  workflowId: string;
  /** Later batches the ticker holds until the failed one is replayed. */
  heldBatches: number;
}

/** Every ticker halted on a failed batch, found by its search attribute and asked for the details. */
export async function listFailedBatches(temporal: Client): Promise<FailedSeries[]> {
  const found: FailedSeries[] = [];
  for await (const run of temporal.workflow.list({ query: FAILED_QUERY })) {
    const progress = await temporal.workflow.getHandle(run.workflowId).query(progressQuery);
    // Visibility lags a little behind: a ticker replayed a moment ago may still be listed.
    if (progress.failure)
      found.push({
        ticker: progress.ticker,
        interval: progress.interval,
        workflowId: run.workflowId,
        heldBatches: progress.pendingBatches,
        ...progress.failure,
      });
  }
  return found.sort((a, b) => a.failedAt - b.failedAt);
}

export class UnknownBatchError extends Error {
  override name = 'UnknownBatchError';
}

/** Replays a failed batch by any of its ids: read again from the stream, then the ticker resumes. */
export async function replayFailedBatch(
  temporal: Client,
  batchId: string,
): Promise<{ series: FailedSeries; bars: number }> {
  const series = (await listFailedBatches(temporal)).find((f) => f.batchIds.includes(batchId));
  if (!series)
    throw new UnknownBatchError(
      `no ticker is halted on batch ${batchId} (\`tickflow failed\` lists the failed batches)`,
    );
  const result = await temporal.workflow
    .getHandle(series.workflowId)
    .executeUpdate(replayFailedBatchUpdate, { args: [batchId] });
  return { series, bars: result.bars };
}
