import { QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { compareSequence } from '../domain/sequence';
import { putAll } from './batch-write';
import { allItems, countAll } from './pages';

/** A stream record that could not be processed, kept with the reason so nothing is lost silently. */
export interface DeadLetter {
  source: string;
  seq: string;
  partitionKey: string;
  reason: string;
  raw: string;
  arrivedAt: string;
  deadLetteredAt: string;
}

const MAX_RAW_CHARS = 8192;

export class DeadLetterStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Idempotent: keyed by source and sequence number, so a re-read record overwrites its own letter. */
  async put(letters: DeadLetter[]): Promise<void> {
    await putAll(
      this.documents,
      this.table,
      letters.map((l) => ({ ...l, raw: l.raw.slice(0, MAX_RAW_CHARS) })),
    );
  }

  async list(source?: string): Promise<DeadLetter[]> {
    const letters = await allItems<DeadLetter>((start) =>
      this.documents.send(
        source
          ? new QueryCommand({
              TableName: this.table,
              KeyConditionExpression: '#s = :s',
              ExpressionAttributeNames: { '#s': 'source' },
              ExpressionAttributeValues: { ':s': source },
              ExclusiveStartKey: start,
            })
          : new ScanCommand({ TableName: this.table, ExclusiveStartKey: start }),
      ),
    );
    return letters.sort((a, b) => a.source.localeCompare(b.source) || compareSequence(a.seq, b.seq));
  }

  /** Counted by DynamoDB (Select COUNT), so the records' raw payloads never travel. */
  async count(): Promise<number> {
    return countAll((start) =>
      this.documents.send(new ScanCommand({ TableName: this.table, Select: 'COUNT', ExclusiveStartKey: start })),
    );
  }
}
