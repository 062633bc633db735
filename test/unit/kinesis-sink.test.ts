import type { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { KinesisSink, ProducerGaveUpError } from '../../producer/kinesis-sink';

/**
 * kinesalite never fails part of a PutRecords request, so the partial-failure path is driven
 * here by a scripted client: each call's outcome per record is decided by `reject`.
 */
function scriptedKinesis(reject: (data: string, call: number) => string | undefined) {
  const accepted: string[] = [];
  let calls = 0;
  let sequence = 0;
  const client = {
    send: async (command: PutRecordsCommand) => {
      calls += 1;
      const records = command.input.Records ?? [];
      return {
        Records: records.map((r) => {
          const data = Buffer.from(r.Data!).toString();
          const code = reject(data, calls);
          if (code) return { ErrorCode: code, ErrorMessage: 'scripted' };
          accepted.push(data);
          sequence += 1;
          return { ShardId: 'shardId-0', SequenceNumber: String(sequence) };
        }),
      };
    },
  } as unknown as KinesisClient;
  return { client, accepted, calls: () => calls };
}

const noSleep = async () => {};

describe('KinesisSink', () => {
  test('retries rejected records and keeps every ticker in order', async () => {
    // Throttle A-1 on its first two attempts, and B-0 once.
    const attempts = new Map<string, number>();
    const kinesis = scriptedKinesis((data) => {
      const n = (attempts.get(data) ?? 0) + 1;
      attempts.set(data, n);
      return (data === 'A-1' && n <= 2) || (data === 'B-0' && n === 1)
        ? 'ProvisionedThroughputExceededException'
        : undefined;
    });
    const sink = new KinesisSink(kinesis.client, { streamName: 's', sleep: noSleep });
    for (const data of ['A-0', 'A-1', 'A-2', 'B-0', 'B-1'])
      sink.push({ partitionKey: data[0]!, data: Buffer.from(data) });
    await sink.drain();
    expect(kinesis.accepted.filter((d) => d.startsWith('A'))).toEqual(['A-0', 'A-1', 'A-2']);
    expect(kinesis.accepted.filter((d) => d.startsWith('B'))).toEqual(['B-0', 'B-1']);
    expect(sink.stats).toMatchObject({
      sent: 5,
      retriedRecords: 3,
      failureCodes: { ProvisionedThroughputExceededException: 3 },
    });
    expect(sink.stats.lastSequenceByShard).toEqual({ 'shardId-0': '5' });
  });

  test('gives up loudly, saying how much was not sent, when a record is never accepted', async () => {
    const kinesis = scriptedKinesis((data) => (data === 'A-0' ? 'InternalFailure' : undefined));
    const sink = new KinesisSink(kinesis.client, { streamName: 's', sleep: noSleep, maxAttempts: 3 });
    sink.push({ partitionKey: 'A', data: Buffer.from('A-0') });
    sink.push({ partitionKey: 'A', data: Buffer.from('A-1') });
    await expect(sink.drain()).rejects.toThrow(ProducerGaveUpError);
    await expect(sink.drain()).rejects.toThrow(/2 buffered record\(s\) not sent/);
    expect(kinesis.accepted).toEqual([]);
  });

  test('a missing stream fails at once with its name', async () => {
    const client = {
      send: async () => {
        throw Object.assign(new Error('Stream s not found'), { name: 'ResourceNotFoundException' });
      },
    } as unknown as KinesisClient;
    const sink = new KinesisSink(client, { streamName: 's', sleep: noSleep });
    sink.push({ partitionKey: 'A', data: Buffer.from('x') });
    await expect(sink.drain()).rejects.toThrow('stream s: ResourceNotFoundException: Stream s not found');
  });
});
