import { createHash } from 'node:crypto';
import { ListShardsCommand, type KinesisClient, type Shard } from '@aws-sdk/client-kinesis';
import { compareSequence } from '../domain/sequence';

/** Every shard of the stream, open and closed, oldest first. */
export async function listShards(kinesis: KinesisClient, streamName: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let nextToken: string | undefined;
  do {
    const page = await kinesis.send(
      new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: streamName }),
    );
    shards.push(...(page.Shards ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return shards.sort((a, b) =>
    compareSequence(
      a.SequenceNumberRange?.StartingSequenceNumber ?? '0',
      b.SequenceNumberRange?.StartingSequenceNumber ?? '0',
    ),
  );
}

/**
 * The shards a partition key's records can be in: Kinesis hashes the key with MD5 onto the
 * 128-bit key space, and a shard owns a range of it. After a reshard the parent and its
 * children all own the key, parents (older records) first.
 */
export function shardsOwningKey(shards: readonly Shard[], partitionKey: string): Shard[] {
  const hash = BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);
  return shards.filter((s) => {
    const range = s.HashKeyRange;
    return (
      range?.StartingHashKey !== undefined &&
      range.EndingHashKey !== undefined &&
      BigInt(range.StartingHashKey) <= hash &&
      hash <= BigInt(range.EndingHashKey)
    );
  });
}
