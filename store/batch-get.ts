import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inBatches } from './batched';
import { CONSISTENT_READ } from './consistent-read';

type Key = Record<string, unknown>;

/** Gets items 100 keys at a time (DynamoDB's limit), consistently, asking again for unprocessed keys with backoff; missing items are left out. */
export async function getAll<T>(
  documents: DynamoDBDocumentClient,
  table: string,
  keys: readonly Key[],
  concurrency = 4,
): Promise<T[]> {
  const items: T[] = [];
  await inBatches(`${table}: key(s)`, keys, 100, concurrency, async (batch) => {
    const result = await documents.send(
      new BatchGetCommand({ RequestItems: { [table]: { Keys: batch, ...CONSISTENT_READ } } }),
    );
    items.push(...((result.Responses?.[table] ?? []) as T[]));
    return result.UnprocessedKeys?.[table]?.Keys ?? [];
  });
  return items;
}
