import { KinesisClient } from '@aws-sdk/client-kinesis';
import { namingFailedCalls, retryCapacity } from '../../bench/named-failures';

describe("a benchmark's failed AWS call", () => {
  test('says its client, its command and the retry quota left', async () => {
    const call = namingFailedCalls(async () => 35)(
      async () => {
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      },
      { clientName: 'KinesisClient', commandName: 'PutRecordsCommand' },
    );
    await expect(call({})).rejects.toMatchObject({
      message: 'KinesisClient PutRecordsCommand (retry quota left: 35): socket hang up',
      code: 'ECONNRESET',
    });
  });

  test('passes a result through unchanged', async () => {
    const call = namingFailedCalls(async () => undefined)(async (args: { n: number }) => args.n + 1, {});
    await expect(call({ n: 1 })).resolves.toBe(2);
  });

  test("a new client's retry quota is the SDK's full 500 tokens", async () => {
    const client = new KinesisClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    try {
      await expect(retryCapacity(client)).resolves.toBe(500);
    } finally {
      client.destroy();
    }
  });
});
