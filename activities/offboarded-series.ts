import { seriesKey } from '../domain/series-key';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { cachedFor } from '../clients/cached';
import { tickersQuery } from '../workflows/registry';
import { REGISTRY_WORKFLOW_ID } from '../workflows/workflow-ids';

/**
 * The stream readers' view of the ticker registry: which series are offboarded, asked of the
 * registry workflow at most every `ttlMs`. Without a registry nothing is offboarded.
 */
export class OffboardedSeries {
  readonly current: () => Promise<Set<string>>;
  constructor(temporal: Client, ttlMs = 5_000) {
    this.current = cachedFor(ttlMs, () =>
      temporal.workflow
        .getHandle(REGISTRY_WORKFLOW_ID)
        .query(tickersQuery)
        .then(
          (entries) =>
            new Set(entries.filter((e) => e.status === 'offboarded').map((e) => seriesKey(e.ticker, e.interval))),
        )
        .catch((error: unknown) => {
          if (error instanceof WorkflowNotFoundError) return new Set<string>();
          throw error;
        }),
    );
  }
}
