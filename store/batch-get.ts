import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';

type Key = Record<string, unknown>;

/** Gets items 100 keys at a time (DynamoDB's limit), asking again for unprocessed keys with backoff; missing items are left out. */
export async function getAll<T>(documents: DynamoDBDocumentClient, table: string, keys: readonly Key[], concurrency = 4): Promise<T[]> {
  const chunks: Key[][] = [];
  for (let i = 0; i < keys.length; i += 100) chunks.push(keys.slice(i, i + 100));
  const items: T[] = [];
  const getChunk = async (chunk: Key[]) => {
    let pending = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(2_000, 25 * 2 ** attempt));
      if (attempt > 10) throw new Error(`${table}: ${pending.length} key(s) still unprocessed after ${attempt} attempts`);
      const result = await documents.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending } } }));
      items.push(...((result.Responses?.[table] ?? []) as T[]));
      pending = result.UnprocessedKeys?.[table]?.Keys ?? [];
    }
  };
  for (let i = 0; i < chunks.length; i += concurrency) {
    await Promise.all(chunks.slice(i, i + concurrency).map(getChunk));
  }
  return items;
}
