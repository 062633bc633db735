import type { IngestActivities } from '../workflows/ingest-contracts';
import type { IngestDeps } from './deps';
import { predictBarsActivity } from './predict-bars';
import { processBarsActivity } from './process-bars';
import { runShardActivity } from './run-shard';
import { awaitParentReadersActivity } from './parent-readers';
import { readBatchesActivity, replayRangeActivity } from './replay';
import { SeriesStateCache, ShardStateCache } from './series-state';
import { tickerRunOptions } from './ticker-run-options';

export function createIngestActivities(deps: IngestDeps): IngestActivities {
  // Shared: a replay leaves the cache holding the state its recomputation ended with.
  const cache = new SeriesStateCache();
  return {
    runShard: runShardActivity(deps, new ShardStateCache()),
    awaitParentReaders: awaitParentReadersActivity(deps),
    processBars: processBarsActivity(deps, cache),
    predictBars: predictBarsActivity(deps),
    readBatches: readBatchesActivity(deps),
    replayRange: replayRangeActivity(deps, cache),
    tickerRunOptions: async () => tickerRunOptions(deps.config),
  };
}
