import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Sends `items` in requests of at most `size`, `concurrency` requests at a time. `send` answers
 * what DynamoDB left unprocessed in its request; that is sent again with backoff until none
 * is left (a batch request may be partly throttled without failing).
 */
export async function inBatches<T>(
  what: string,
  items: readonly T[],
  size: number,
  concurrency: number,
  send: (batch: T[]) => Promise<T[]>,
): Promise<void> {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  const sendAll = async (batch: T[]) => {
    let pending = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(2_000, 25 * 2 ** attempt));
      if (attempt > 10) throw new Error(`${what}: ${pending.length} still unprocessed after ${attempt} attempts`);
      pending = await send(pending);
    }
  };
  for (let i = 0; i < batches.length; i += concurrency) {
    await Promise.all(batches.slice(i, i + concurrency).map(sendAll));
  }
}
