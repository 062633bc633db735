/**
 * Packs stream records into PutRecords requests without ever reordering a partition key.
 *
 * PutRecords may fail some records of a request and accept the ones after them, so two
 * records of one ticker in the same request could land out of order once the failed one is
 * retried. AWS's own advice is to write such records one at a time; instead each request
 * carries at most one record per partition key, and a key's next record is offered only
 * after its previous one was accepted. Many tickers still fill a request; one ticker alone
 * goes one record per request.
 */
export interface StreamRecord {
  partitionKey: string;
  data: Uint8Array;
}

const MAX_RECORDS_PER_REQUEST = 500;
const MAX_BYTES_PER_REQUEST = 5 * 1024 * 1024;

export class OrderedBatcher<T extends StreamRecord = StreamRecord> {
  private readonly queues = new Map<string, T[]>();
  private pending = 0;

  get size(): number {
    return this.pending;
  }

  push(record: T): void {
    const queue = this.queues.get(record.partitionKey);
    if (queue) queue.push(record);
    else this.queues.set(record.partitionKey, [record]);
    this.pending += 1;
  }

  /** The head record of up to `maxRecords` distinct keys, oldest-waiting keys first. */
  next(maxRecords = MAX_RECORDS_PER_REQUEST, maxBytes = MAX_BYTES_PER_REQUEST): T[] {
    const batch: T[] = [];
    let bytes = 0;
    for (const queue of this.queues.values()) {
      const head = queue[0];
      if (!head) continue;
      const size = head.data.byteLength + Buffer.byteLength(head.partitionKey);
      if (batch.length >= maxRecords || (batch.length > 0 && bytes + size > maxBytes)) break;
      batch.push(head);
      bytes += size;
    }
    return batch;
  }

  /** Removes the records that were accepted; rejected ones stay at the head of their key. */
  settle(batch: readonly T[], accepted: readonly boolean[]): void {
    batch.forEach((record, i) => {
      if (!accepted[i]) return;
      const queue = this.queues.get(record.partitionKey);
      if (queue?.[0] !== record) throw new Error(`settle: ${record.partitionKey} was not at the head of its queue`);
      queue.shift();
      this.pending -= 1;
      // Re-inserting moves the key behind the others, so every ticker gets its turn.
      this.queues.delete(record.partitionKey);
      if (queue.length > 0) this.queues.set(record.partitionKey, queue);
    });
  }
}
