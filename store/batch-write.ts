import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Puts items 25 at a time (DynamoDB's limit), re-sending unprocessed items with backoff until all land. */
export async function putAll(documents: DynamoDBDocumentClient, table: string, items: readonly object[], concurrency = 4): Promise<void> {
  const chunks: object[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  const writeChunk = async (chunk: object[]) => {
    let requests = chunk.map((item) => ({ PutRequest: { Item: item as Record<string, unknown> } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(2_000, 25 * 2 ** attempt));
      if (attempt > 10) throw new Error(`${table}: ${requests.length} item(s) still unprocessed after ${attempt} attempts`);
      const result = await documents.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = (result.UnprocessedItems?.[table] ?? []).flatMap((r) => (r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : []));
    }
  };
  for (let i = 0; i < chunks.length; i += concurrency) {
    await Promise.all(chunks.slice(i, i + concurrency).map(writeChunk));
  }
}
