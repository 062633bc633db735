import { BatchWriteItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { attributeMap } from './attribute-values';
import { inBatches } from './batched';

type Item = Record<string, unknown>;

/**
 * Puts items 25 at a time (DynamoDB's limit), re-sending unprocessed items with backoff until
 * all land. The items are marshalled here and sent as the low-level command (the document
 * client passes it through): the market's bars and progress are most of a worker's writes.
 */
export async function putAll(
  documents: DynamoDBDocumentClient,
  table: string,
  items: readonly object[],
  concurrency = 4,
): Promise<void> {
  await inBatches(`${table}: item(s)`, items.map(attributeMap), 25, concurrency, async (batch) => {
    const result = await documents.send(
      new BatchWriteItemCommand({ RequestItems: { [table]: batch.map((Item) => ({ PutRequest: { Item } })) } }),
    );
    return (result.UnprocessedItems?.[table] ?? []).flatMap((r): Record<string, AttributeValue>[] =>
      r.PutRequest?.Item ? [r.PutRequest.Item] : [],
    );
  });
}

/** Deletes items by key 25 at a time, re-sending unprocessed requests with backoff until all are done. */
export async function deleteAll(
  documents: DynamoDBDocumentClient,
  table: string,
  keys: readonly object[],
): Promise<void> {
  await inBatches(`${table}: key(s)`, keys as readonly Item[], 25, 4, async (batch) => {
    const result = await documents.send(
      new BatchWriteCommand({ RequestItems: { [table]: batch.map((Key) => ({ DeleteRequest: { Key } })) } }),
    );
    return (result.UnprocessedItems?.[table] ?? []).flatMap((r) => (r.DeleteRequest?.Key ? [r.DeleteRequest.Key] : []));
  });
}
