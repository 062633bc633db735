import { setTimeout as sleep } from 'node:timers/promises';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { compareSequence } from '../domain/sequence';
import { OrderedBatcher, type StreamRecord } from './ordered-batcher';

export interface SinkStats {
  sent: number;
  requests: number;
  retriedRecords: number;
  failureCodes: Record<string, number>;
  /** The newest sequence number written to each shard: what a consumer must reach to have read everything. */
  lastSequenceByShard: Record<string, string>;
}

export interface KinesisSinkOptions {
  streamName: string;
  /** Attempts per record before the producer gives up loudly (records are never dropped silently). */
  maxAttempts?: number;
  baseBackoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Errors no retry can fix: fail at once with the reason. */
const FATAL_ERRORS = new Set([
  'ResourceNotFoundException',
  'InvalidArgumentException',
  'ValidationException',
  'AccessDeniedException',
]);

export class ProducerGaveUpError extends Error {
  override name = 'ProducerGaveUpError';
}

/** Writes records to Kinesis in order per partition key, retrying partial failures with backoff. */
export class KinesisSink {
  private readonly batcher = new OrderedBatcher();
  readonly stats: SinkStats = { sent: 0, requests: 0, retriedRecords: 0, failureCodes: {}, lastSequenceByShard: {} };
  private readonly maxAttempts: number;
  private readonly baseBackoffMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly kinesis: KinesisClient,
    private readonly options: KinesisSinkOptions,
  ) {
    this.maxAttempts = options.maxAttempts ?? 12;
    this.baseBackoffMs = options.baseBackoffMs ?? 50;
    this.sleep = options.sleep ?? ((ms) => sleep(ms));
  }

  get buffered(): number {
    return this.batcher.size;
  }

  push(record: StreamRecord): void {
    this.batcher.push(record);
  }

  /** Sends everything buffered; resolves when all of it was accepted by the stream. */
  async drain(afterRequest?: () => void): Promise<void> {
    let failedRounds = 0;
    while (this.batcher.size > 0) {
      const batch = this.batcher.next();
      const accepted = await this.put(batch);
      this.batcher.settle(batch, accepted);
      afterRequest?.();
      const rejected = accepted.filter((ok) => !ok).length;
      if (rejected === 0) {
        failedRounds = 0;
        continue;
      }
      this.stats.retriedRecords += rejected;
      failedRounds += 1;
      if (failedRounds >= this.maxAttempts) {
        throw new ProducerGaveUpError(
          `${rejected} record(s) still rejected after ${failedRounds} attempts (${JSON.stringify(this.stats.failureCodes)}); ${this.batcher.size} buffered record(s) not sent`,
        );
      }
      const backoff = Math.min(5_000, this.baseBackoffMs * 2 ** (failedRounds - 1));
      await this.sleep(backoff / 2 + Math.random() * (backoff / 2));
    }
  }

  private async put(batch: StreamRecord[]): Promise<boolean[]> {
    this.stats.requests += 1;
    try {
      const response = await this.kinesis.send(
        new PutRecordsCommand({
          StreamName: this.options.streamName,
          Records: batch.map((r) => ({ PartitionKey: r.partitionKey, Data: r.data })),
        }),
      );
      const results = response.Records ?? [];
      return batch.map((_, i) => {
        const result = results[i];
        if (result && !result.ErrorCode) {
          this.stats.sent += 1;
          if (result.ShardId && result.SequenceNumber) {
            const previous = this.stats.lastSequenceByShard[result.ShardId];
            if (!previous || compareSequence(result.SequenceNumber, previous) > 0)
              this.stats.lastSequenceByShard[result.ShardId] = result.SequenceNumber;
          }
          return true;
        }
        const code = result?.ErrorCode ?? 'MissingResult';
        this.stats.failureCodes[code] = (this.stats.failureCodes[code] ?? 0) + 1;
        return false;
      });
    } catch (error) {
      const code = (error as Error).name || 'RequestFailed';
      if (FATAL_ERRORS.has(code)) {
        throw new ProducerGaveUpError(`stream ${this.options.streamName}: ${code}: ${(error as Error).message}`);
      }
      // The SDK already retried transient transport errors; count the whole request as rejected.
      this.stats.failureCodes[code] = (this.stats.failureCodes[code] ?? 0) + 1;
      return batch.map(() => false);
    }
  }
}
