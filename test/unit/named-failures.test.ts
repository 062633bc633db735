import { namingFailedCalls } from '../../bench/named-failures';

describe("a benchmark's failed AWS call", () => {
  test('says its client and command', async () => {
    const call = namingFailedCalls(
      async () => {
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      },
      { clientName: 'KinesisClient', commandName: 'PutRecordsCommand' },
    );
    await expect(call({})).rejects.toMatchObject({
      message: 'KinesisClient PutRecordsCommand: socket hang up',
      code: 'ECONNRESET',
    });
  });

  test('passes a result through unchanged', async () => {
    const call = namingFailedCalls(async (args: { n: number }) => args.n + 1, {});
    await expect(call({ n: 1 })).resolves.toBe(2);
  });
});
