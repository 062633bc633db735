import {
  batchIdOf,
  parseBatchId,
  selectNewBars,
  takeBatches,
  type BarBatch,
  type IngestBar,
} from '../../domain/ingest-batch';
import { routeRecords } from '../../domain/route-records';
import { barEvent, encodeMarketEvent } from '../../domain/market-event';

const bar = (t: number, seq = String(t)): IngestBar => ({ t, o: 1, h: 1, l: 1, c: 1, v: 1, seq, arrivedAt: 0 });
const record = (ticker: string, t: number, seq: string, partitionKey = ticker) => ({
  seq,
  partitionKey,
  arrivedAt: 5,
  data: Buffer.from(encodeMarketEvent(barEvent(ticker, '1m', { t, o: 2, h: 3, l: 1, c: 2, v: 10 }))),
});

describe('routeRecords', () => {
  test('groups valid records per ticker in stream order and rejects the rest with reasons', () => {
    const { batches, rejected } = routeRecords(
      'shardId-1',
      [
        record('AAA', 1000, '1'),
        record('BBB', 1000, '2'),
        { seq: '3', partitionKey: 'AAA', arrivedAt: 5, data: Buffer.from('oops') },
        record('AAA', 2000, '4'),
        record('AAA', 3000, '5', 'ZZZ'),
      ],
      100,
    );
    expect(batches.map((b) => [b.ticker, b.batch.batchId, b.batch.bars.map((x) => x.t)])).toEqual([
      ['AAA', 'shardId-1:1-4', [1000, 2000]],
      ['BBB', 'shardId-1:2-2', [1000]],
    ]);
    expect(rejected.map((r) => [r.seq, r.reason.split(':')[0]])).toEqual([
      ['3', 'malformed JSON'],
      ['5', 'partition key "ZZZ" does not match ticker AAA'],
    ]);
  });

  test('splits a long run into batches of at most maxBarsPerBatch', () => {
    const records = Array.from({ length: 7 }, (_, i) => record('AAA', (i + 1) * 1000, String(i + 1)));
    const { batches } = routeRecords('s', records, 3);
    expect(batches.map((b) => b.batch.bars.length)).toEqual([3, 3, 1]);
    expect(batches.map((b) => b.batch.batchId)).toEqual(['s:1-3', 's:4-6', 's:7-7']);
  });
});

describe('selectNewBars', () => {
  const at = (t: number, seq: number) => bar(t, String(seq));
  test('keeps only bars newer than the last processed one, counting re-sent records', () => {
    const { fresh, duplicates, redelivered } = selectNewBars(
      [at(1, 11), at(2, 12), at(3, 13), at(2, 14), at(4, 15)],
      1,
    );
    expect(fresh.map((b) => b.t)).toEqual([2, 3, 4]);
    expect({ duplicates, redelivered }).toEqual({ duplicates: 2, redelivered: 0 });
  });
  test('tells a record handed over again (sequence already seen) from a re-sent one', () => {
    // Processed through seq 13 (bar time 3); a retried read hands 12–13 over again, then a re-sent bar 3 (seq 14) and bar 4.
    const result = selectNewBars([at(2, 12), at(3, 13), at(3, 14), at(4, 15)], 3, '13');
    expect(result.fresh.map((b) => b.t)).toEqual([4]);
    expect(result).toMatchObject({ duplicates: 1, redelivered: 2, lastSeq: '15' });
  });
  test('sequence numbers compare as numbers, not strings', () => {
    expect(selectNewBars([at(5, 100)], 4, '99')).toMatchObject({ redelivered: 0, lastSeq: '100' });
  });
  test('with no history everything is new', () => {
    expect(selectNewBars([bar(5), bar(6)], null).fresh).toHaveLength(2);
  });
});

describe('takeBatches', () => {
  const batch = (n: number, id: string): BarBatch => ({
    batchId: id,
    bars: Array.from({ length: n }, (_, i) => bar(i)),
  });
  test('takes whole batches up to the bar limit, at least one', () => {
    const queue = [batch(3, 'a'), batch(3, 'b'), batch(3, 'c')];
    expect(takeBatches(queue, 7).map((b) => b.batchId)).toEqual(['a', 'b']);
    expect(queue.map((b) => b.batchId)).toEqual(['c']);
    const big = [batch(10, 'x')];
    expect(takeBatches(big, 5).map((b) => b.batchId)).toEqual(['x']);
  });
});

describe('batch ids', () => {
  test('name the shard and sequence range, and parse back', () => {
    const id = batchIdOf('shardId-000000000001', '4959', '4961');
    expect(id).toBe('shardId-000000000001:4959-4961');
    expect(parseBatchId(id)).toEqual({ shardId: 'shardId-000000000001', firstSeq: '4959', lastSeq: '4961' });
  });

  test.each(['', 'shardId-0', 'shardId-0:12', 'shardId-0:a-b', 'x:1-2:3'])('%j is not a batch id', (id) => {
    expect(parseBatchId(id)).toBeUndefined();
  });
});
