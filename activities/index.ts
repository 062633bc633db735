import type { IngestActivities } from '../workflows/contracts';
import type { IngestDeps } from './deps';
import { predictBarsActivity } from './predict-bars';
import { processBarsActivity } from './process-bars';
import { readShardActivity } from './read-shard';

export function createIngestActivities(deps: IngestDeps): IngestActivities {
  return { readShard: readShardActivity(deps), processBars: processBarsActivity(deps), predictBars: predictBarsActivity(deps) };
}
