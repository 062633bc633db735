import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { tickersQuery } from '../workflows/registry';
import { REGISTRY_WORKFLOW_ID } from '../workflows/search-attributes';

/**
 * The stream readers' view of the ticker registry: which series are offboarded, asked of the
 * registry workflow at most every `ttlMs`. Without a registry nothing is offboarded.
 */
export class OffboardedSeries {
  private loaded: { at: number; keys: Promise<Set<string>> } | undefined;
  constructor(private readonly temporal: Client, private readonly ttlMs = 5_000) {}

  async current(): Promise<Set<string>> {
    const now = Date.now();
    if (!this.loaded || now - this.loaded.at > this.ttlMs) {
      const keys = this.temporal.workflow
        .getHandle(REGISTRY_WORKFLOW_ID)
        .query(tickersQuery)
        .then((entries) => new Set(entries.filter((e) => e.status === 'offboarded').map((e) => `${e.ticker}#${e.interval}`)))
        .catch((error: unknown) => {
          if (error instanceof WorkflowNotFoundError) return new Set<string>();
          throw error;
        });
      this.loaded = { at: now, keys };
      keys.catch(() => (this.loaded = undefined));
    }
    return this.loaded.keys;
  }
}
