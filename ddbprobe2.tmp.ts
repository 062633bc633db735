import { DynamoDBClient, CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
async function main() {
  const port = process.argv[2];
  const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const docs = DynamoDBDocumentClient.from(client);
  const table = `s${Date.now()}`;
  await client.send(new CreateTableCommand({ TableName: table, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }] }));
  for (const conc of [1, 8, 32]) {
    const n = 1000; let next = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: conc }, async () => { while (next < n) { const i = next++; await docs.send(new PutCommand({ TableName: table, Item: { pk: `T${i}#1m`, sk: `x${conc}`, close: 1.1, sma: 2 } })); } }));
    const ms = performance.now() - t0;
    console.log(`single puts conc ${conc}: ${(n / (ms / 1000)).toFixed(0)} items/s`);
  }
}
main();
