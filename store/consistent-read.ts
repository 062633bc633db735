/**
 * For the reads a series' state is rebuilt from (its progress, bars and warm-up blocks): DynamoDB
 * reads are eventually consistent unless asked, and a state rebuilt from a stale read (a worker
 * taking over shards another wrote a moment before) would go on from the wrong bar. Twice the
 * read units of an eventually consistent read; DynamoDB Local is always consistent.
 */
export const CONSISTENT_READ = { ConsistentRead: true } as const;
