import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { IngestActivities, WorkflowModeSeries } from '../workflows/ingest-contracts';
import { checkpointQuery } from '../workflows/shard-reader';
import type { IngestDeps } from './deps';

const POLL_MS = 2_000;

/**
 * A reader of a shard born from a reshard waits here until the readers of its parent shards
 * have read them to the end (their workflows completed), so a ticker's older records are
 * processed before its newer ones; it takes over the tickers they had in workflow mode.
 */
export function awaitParentReadersActivity(deps: Pick<IngestDeps, 'temporal'>): IngestActivities['awaitParentReaders'] {
  return async function awaitParentReaders({ readerWorkflowIds }) {
    const context = Context.current();
    const workflowSeries: Record<string, WorkflowModeSeries> = {};
    for (const id of readerWorkflowIds) {
      const handle = deps.temporal.workflow.getHandle(id);
      for (;;) {
        const status = await handle.describe().then(
          (d) => d.status.name,
          (error: unknown) => {
            if (error instanceof WorkflowNotFoundError) return 'NOT_STARTED';
            throw error;
          },
        );
        context.heartbeat({ waitingFor: id, status });
        if (status === 'COMPLETED') break;
        await Promise.race([context.sleep(POLL_MS), context.cancelled]);
      }
      Object.assign(workflowSeries, (await handle.query(checkpointQuery)).workflowSeries);
    }
    return workflowSeries;
  };
}
