import type { Client } from '@temporalio/client';
import type { BarInterval } from '../../domain/market-event';
import { tickersQuery } from '../../workflows/registry';
import { REGISTRY_WORKFLOW_ID } from '../../workflows/workflow-ids';

/**
 * The registry's active tickers of one interval: what a live source streams when it follows
 * the registry. Onboarding ones wait until their backfill is stored, so live bars never
 * overtake history.
 */
export function registrySymbols(temporal: Client, interval: BarInterval): () => Promise<string[]> {
  return async () => {
    const entries = await temporal.workflow.getHandle(REGISTRY_WORKFLOW_ID).query(tickersQuery);
    return entries.filter((e) => e.interval === interval && e.status === 'active').map((e) => e.ticker);
  };
}
