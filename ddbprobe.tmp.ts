import { DynamoDBClient, CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { putAll } from './store/batch-write';

async function main() {
  const port = process.argv[2];
  const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const docs = DynamoDBDocumentClient.from(client);
  const table = `t${Date.now()}`;
  await client.send(new CreateTableCommand({ TableName: table, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }] }));
  for (const conc of [1, 4, 16, 32]) {
    const n = 4000;
    const items = Array.from({ length: n }, (_, i) => ({ pk: `T${i % 8000}#1m`, sk: `2026-01-01T00:${conc}:${i}`, open: 1.1, high: 1.2, low: 1.0, close: 1.15, volume: 1000, sma: 1.1, ema: 1.2, rsi: 50, macd: 0.1 }));
    const t0 = performance.now();
    await putAll(docs, table, items, conc);
    const ms = performance.now() - t0;
    console.log(`conc ${conc}: ${(n / (ms / 1000)).toFixed(0)} items/s (${(ms / n).toFixed(2)} ms/item)`);
  }
}
main();
