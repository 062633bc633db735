import type { Shard } from '@aws-sdk/client-kinesis';
import { shardsOwningKey } from '../../clients/kinesis-shards';
import { compareSequence } from '../../domain/sequence';

const MAX = (1n << 128n) - 1n;
const HALF = 1n << 127n;
const shard = (id: string, start: bigint, end: bigint, parent?: string): Shard => ({
  ShardId: id,
  ParentShardId: parent,
  HashKeyRange: { StartingHashKey: start.toString(), EndingHashKey: end.toString() },
  SequenceNumberRange: { StartingSequenceNumber: '1' },
});

describe('shardsOwningKey', () => {
  const two = [shard('low', 0n, HALF - 1n), shard('high', HALF, MAX)];
  // MD5 of the key, read as a 128-bit number: "AMZN" → 0x261fd2… is in the low half, "AAPL" → 0x8b10e4… in the high half.
  test.each([
    ['AMZN', 'low'],
    ['NVDA', 'low'],
    ['AAPL', 'high'],
    ['TSLA', 'high'],
  ])('%s hashes into the %s half', (key, expected) => {
    expect(shardsOwningKey(two, key).map((s) => s.ShardId)).toEqual([expected]);
  });

  test('spreads keys over both shards', () => {
    const owners = Array.from({ length: 200 }, (_, i) => shardsOwningKey(two, `T${i}`)[0]!.ShardId);
    expect(owners.filter((o) => o === 'low').length).toBeGreaterThan(70);
    expect(owners.filter((o) => o === 'high').length).toBeGreaterThan(70);
  });

  test('after a split the parent and the child both own the key', () => {
    const split = [
      shard('parent', 0n, MAX),
      shard('child-low', 0n, HALF - 1n, 'parent'),
      shard('child-high', HALF, MAX, 'parent'),
    ];
    expect(shardsOwningKey(split, 'AMZN').map((s) => s.ShardId)).toEqual(['parent', 'child-low']);
  });
});

test('sequence numbers compare as numbers, not strings', () => {
  expect(compareSequence('9', '10')).toBe(-1);
  expect(
    compareSequence(
      '49590338271490256608559692538361571095921575989136588898',
      '49590338271490256608559692538361571095921575989136588898',
    ),
  ).toBe(0);
  expect(compareSequence('100', '99')).toBe(1);
});
