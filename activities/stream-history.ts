import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
  type _Record,
} from '@aws-sdk/client-kinesis';
import { compareSequence } from '../domain/sequence';
import type { StreamRecordIn } from '../domain/route-records';

export function toStreamRecord(record: _Record): StreamRecordIn {
  return {
    seq: record.SequenceNumber!,
    partitionKey: record.PartitionKey ?? '',
    data: record.Data ?? new Uint8Array(),
    arrivedAt: record.ApproximateArrivalTimestamp?.getTime() ?? Date.now(),
  };
}

export type ShardStart = { atSequence: string } | 'oldest';

/**
 * Reads a shard again, page by page, from `start` until `lastSequence` (inclusive) or, without
 * one, until the end of what the shard holds now. For replays: the live read path is runShard.
 */
export async function* readShardHistory(
  kinesis: KinesisClient,
  streamName: string,
  shardId: string,
  start: ShardStart,
  options: { lastSequence?: string; pageLimit: number; onPage?: () => void },
): AsyncGenerator<StreamRecordIn[]> {
  const position: Pick<GetShardIteratorCommandInput, 'ShardIteratorType' | 'StartingSequenceNumber'> =
    start === 'oldest'
      ? { ShardIteratorType: 'TRIM_HORIZON' }
      : { ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: start.atSequence };
  let iterator = (
    await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shardId, ...position }))
  ).ShardIterator;
  while (iterator) {
    options.onPage?.();
    const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: options.pageLimit }));
    const records = (page.Records ?? []).map(toStreamRecord);
    const last = options.lastSequence;
    const wanted = last === undefined ? records : records.filter((r) => compareSequence(r.seq, last) <= 0);
    if (wanted.length > 0) yield wanted;
    const reachedLast = last !== undefined && records.some((r) => compareSequence(r.seq, last) >= 0);
    if (reachedLast || (records.length === 0 && (page.MillisBehindLatest ?? 0) === 0)) return;
    iterator = page.NextShardIterator;
  }
}
