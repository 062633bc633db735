import { OrderedBatcher, type StreamRecord } from '../../producer/ordered-batcher';

const record = (key: string, n: number): StreamRecord => ({ partitionKey: key, data: Buffer.from(`${key}-${n}`) });
const text = (records: StreamRecord[]) => records.map((r) => Buffer.from(r.data).toString());

describe('OrderedBatcher', () => {
  test('a request holds at most one record per partition key, in arrival order per key', () => {
    const batcher = new OrderedBatcher();
    ['A', 'A', 'B', 'A', 'C', 'B'].forEach((k, i) => batcher.push(record(k, i)));
    const sent: string[] = [];
    while (batcher.size > 0) {
      const batch = batcher.next();
      expect(new Set(batch.map((r) => r.partitionKey)).size).toBe(batch.length);
      sent.push(...text(batch));
      batcher.settle(
        batch,
        batch.map(() => true),
      );
    }
    expect(sent.filter((s) => s.startsWith('A'))).toEqual(['A-0', 'A-1', 'A-3']);
    expect(sent.filter((s) => s.startsWith('B'))).toEqual(['B-2', 'B-5']);
  });

  test('a rejected record stays at the head of its key; later records of that key wait for it', () => {
    const batcher = new OrderedBatcher();
    batcher.push(record('A', 0));
    batcher.push(record('A', 1));
    batcher.push(record('B', 0));
    const first = batcher.next();
    expect(text(first)).toEqual(['A-0', 'B-0']);
    batcher.settle(first, [false, true]);
    expect(text(batcher.next())).toEqual(['A-0']);
    expect(batcher.size).toBe(2);
  });

  test('respects the record and byte limits', () => {
    const batcher = new OrderedBatcher();
    for (let i = 0; i < 10; i++) batcher.push({ partitionKey: `K${i}`, data: new Uint8Array(100) });
    expect(batcher.next(4)).toHaveLength(4);
    expect(batcher.next(500, 250)).toHaveLength(2);
  });

  test('keys take turns: a busy key does not starve the others', () => {
    const batcher = new OrderedBatcher();
    for (let i = 0; i < 3; i++) batcher.push(record('BUSY', i));
    batcher.push(record('QUIET', 0));
    const first = batcher.next(1);
    batcher.settle(first, [true]);
    expect(text(batcher.next(1))).toEqual(['QUIET-0']);
  });
});
