import type { ModelRecord } from '../store/model-registry';

/**
 * The challenger staged beside `champion`: the latest candidate the gate rejected that has a
 * model to serve (and did not fail to serve when it was staged). It keeps being scored on live data until a newer candidate is rejected, so
 * a rejection the live record later contradicts is visible (and `tickflow promote` fixes it).
 */
export function challengerOf(
  models: ReadonlyArray<Pick<ModelRecord, 'version' | 'decision' | 'artifact' | 'challengerFailure'>>,
  champion: string,
): string | null {
  const rejected = models
    .filter((m) => m.decision === 'rejected' && m.artifact && !m.challengerFailure && m.version !== champion)
    .map((m) => m.version)
    .sort();
  return rejected.at(-1) ?? null;
}
