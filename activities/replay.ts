import { Context } from '@temporalio/activity';
import { listShards, shardsOwningKey } from '../clients/kinesis-shards';
import { parseBatchId, selectNewBars, type BarBatch, type IngestBar } from '../domain/ingest-batch';
import { type BarInterval } from '../domain/market-event';
import { seriesKey } from '../domain/series-key';
import { newChain } from '../domain/warmup-blocks';
import { routeRecords, type StreamRecordIn } from '../domain/route-records';
import type { ReadBatchesInput, ReplayRangeInput, ReplayRangeResult } from '../workflows/ingest-contracts';
import { forecastOf } from '../store/predictions-store';
import type { IngestDeps } from './deps';
import { failUnlessTransient } from './failure-kind';
import { advanceSeries, loadSeriesState, type SeriesStateCache } from './series-state';
import { readShardHistory, type ShardStart } from './stream-history';

/** One series' bars among stream records, in stream order. */
function seriesBars(shardId: string, records: StreamRecordIn[], ticker: string, interval: BarInterval): IngestBar[] {
  return routeRecords(shardId, records, Number.MAX_SAFE_INTEGER)
    .batches.filter((b) => b.ticker === ticker && b.interval === interval)
    .flatMap((b) => b.batch.bars);
}

async function readSeries(
  deps: IngestDeps,
  shardId: string,
  start: ShardStart,
  ticker: string,
  interval: BarInterval,
  lastSequence?: string,
): Promise<IngestBar[]> {
  const bars: IngestBar[] = [];
  const onPage = () => Context.current().heartbeat();
  for await (const page of readShardHistory(deps.kinesis, deps.config.stream.name, shardId, start, {
    lastSequence,
    pageLimit: deps.config.ingest.readLimit,
    onPage,
  })) {
    bars.push(...seriesBars(shardId, page, ticker, interval));
  }
  return bars;
}

/** Reads failed batches again from the stream, by the shard and sequence range their ids name. */
export function readBatchesActivity(deps: IngestDeps) {
  return async function readBatches({ ticker, interval, batchIds }: ReadBatchesInput): Promise<BarBatch[]> {
    return failUnlessTransient(async () => {
      const batches: BarBatch[] = [];
      for (const batchId of batchIds) {
        const range = parseBatchId(batchId);
        if (!range) throw new Error(`malformed batch id ${JSON.stringify(batchId)}`);
        const bars = await readSeries(
          deps,
          range.shardId,
          { atSequence: range.firstSeq },
          ticker,
          interval,
          range.lastSeq,
        );
        if (bars.length === 0)
          throw new Error(`batch ${batchId} is no longer in stream ${deps.config.stream.name} (past its retention?)`);
        batches.push({ batchId, bars });
      }
      return batches;
    });
  };
}

/**
 * Recomputes a series from `from` on: the bars in [from, to] as the stream has them (every
 * shard that owns the ticker, oldest record first, later redeliveries dropped as the live path
 * drops them), then every stored bar after `to`, with indicators warmed up from the stored
 * bars before `from`. Rows are idempotent puts, so the result is what an uninterrupted run
 * over the same stream would have stored, each with the forecast it had until the ticker
 * workflow predicts the range again. Alerts are not re-sent.
 */
export function replayRangeActivity(deps: IngestDeps, cache: SeriesStateCache) {
  return async function replayRange({ ticker, interval, from, to }: ReplayRangeInput): Promise<ReplayRangeResult> {
    return failUnlessTransient(async () => {
      const through = (await deps.bars.latest(ticker, interval))?.t;
      if (through === undefined) return { replayed: 0, rewritten: 0, firstBarTime: null };
      const heartbeat = () => Context.current().heartbeat();
      const streamBars: IngestBar[] = [];
      for (const shard of shardsOwningKey(await listShards(deps.kinesis, deps.config.stream.name), ticker)) {
        streamBars.push(...(await readSeries(deps, shard.ShardId!, 'oldest', ticker, interval)));
      }
      const last = Math.min(to, through);
      const replayed = selectNewBars(streamBars, null).fresh.filter((b) => b.t >= from && b.t <= last);
      const after = last < through ? await deps.bars.range(ticker, interval, last + 1, through) : [];
      const bars = [...replayed, ...after];
      if (bars.length === 0) return { replayed: 0, rewritten: 0, firstBarTime: null };
      heartbeat();
      const state = await loadSeriesState(deps, ticker, interval, await deps.series.get(ticker, interval), {
        before: bars[0]!.t,
      });
      // Each rewritten item keeps its forecast until the ticker workflow's predictBars redoes it (and while the endpoint is down).
      const forecasts = new Map(
        (await deps.bars.forecasts.range(ticker, interval, bars[0]!.t, through)).map((p) => [p.t, forecastOf(p)]),
      );
      const rows = advanceSeries(state, ticker, interval, bars).map((row) => {
        const prediction = forecasts.get(row.t);
        return prediction ? { ...row, prediction } : row;
      });
      // Blocks holding rewritten bars would warm a cold start up on the old values: dropped first; new ones start after the replay.
      await deps.bars.dropBlocksFrom(ticker, interval, bars[0]!.t);
      state.chain = newChain(state.indicators.lastBarTime);
      for (let i = 0; i < rows.length; i += 1000) {
        heartbeat();
        await deps.bars.put(rows.slice(i, i + 1000));
      }
      cache.put(seriesKey(ticker, interval), state);
      return { replayed: replayed.length, rewritten: rows.length, firstBarTime: bars[0]!.t };
    });
  };
}
