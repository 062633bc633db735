import { Context } from '@temporalio/activity';
import { GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-kinesis';
import type { IngestBar } from '../domain/ingest-batch';
import { routeRecords, type SeriesBatch, type StreamRecordIn } from '../domain/route-records';
import { compareSequence } from '../domain/sequence';
import { seriesKey } from '../domain/series-key';
import { tickerWorkflowStart } from '../operations/ticker-start';
import type { RunShardInput, RunShardResult, ShardPosition } from '../workflows/ingest-contracts';
import { barsSignal } from '../workflows/handoff-signals';
import { tickerWorkflow } from '../workflows/ticker';
import { processSeriesBars, writeProgress, type ProcessedBars, type SeriesBars } from './data-plane';
import type { IngestDeps } from './deps';
import { eachLimited } from './each-limited';
import { catchUpPredictions, laggingSeriesOf, PredictionBackoff, type LaggingSeries } from './catch-up-predictions';
import type { SeriesState, ShardStateCache } from './series-state';
import { toStreamRecord } from './stream-history';
import { stepClock } from '../observability/metrics';

const SIGNAL_CONCURRENCY = 16;
/** How often a long read beats: well inside the reader's 10 s heartbeat timeout, rarely enough to cost nothing. */
const HEARTBEAT_EVERY_MS = 1_000;

/** `beat`, at most once per `everyMs`. */
function throttled(beat: () => void, everyMs: number): () => void {
  let last = 0;
  return () => {
    const now = Date.now();
    if (now - last < everyMs) return;
    last = now;
    beat();
  };
}

/** What a run saw beyond the counters: for its summary. */
interface RunActivity {
  firstSequence?: string;
  tickers: Set<string>;
  failed: string[];
}

interface Forward {
  batch: SeriesBatch;
  failure?: string;
}

/**
 * The shard reader's long-running activity: reads its shard read after read (the next page is
 * fetched while a read is processed) and runs each read's data plane for every ticker on the
 * fast path (processSeriesBars); the records of tickers in workflow mode go to their ticker
 * workflows, in order, and a ticker whose bars fail for good joins them, handed over with the
 * reason. The position (checkpoint, counters, workflow-mode tickers) advances only once a
 * read's effects are durable, and travels in the heartbeat, so a retry on any worker resumes
 * there. Reads commit together (their progress in one write, then the position) once the shard
 * is caught up, or TICKFLOW_COMMIT_WITHIN_MS after the oldest of them: a burst's progress is
 * written after its bars, not among them. A commit runs beside the next reads' data plane, at
 * most one at a time; a read with a hand-over or a stop commits at once and waits, as do the
 * catch-up step and the run's end. Returns once the reads it did are followed by the long-poll
 * time without data, after TICKFLOW_SHARD_RUN_SECONDS (an idle shard: one run per that time),
 * at worker shutdown, or before a record of a ticker whose hand-back waits (`stoppedFor`).
 */
export function runShardActivity(deps: IngestDeps, cache: ShardStateCache) {
  return async function runShard(input: RunShardInput): Promise<RunShardResult> {
    const { kinesis, config } = deps;
    const context = Context.current();
    const [resumed] =
      context.info.heartbeatDetails === undefined ? [] : [context.info.heartbeatDetails as ShardPosition];
    const position: ShardPosition = structuredClone(
      resumed ?? { afterSequence: input.afterSequence, counters: input.counters, workflowSeries: input.workflowSeries },
    );
    const shardStates = cache.for(input.shardId);
    const { states, cold } = shardStates.startingAfter(position.afterSequence);
    // A ticker in workflow mode may have been moved on by its workflow: rebuilt from storage when it comes back.
    for (const key of Object.keys(position.workflowSeries)) states.delete(key);
    const backoff = new PredictionBackoff(config.model.predictRetryMaxSeconds * 1000);
    // Warm states carry their own watermarks; after a cold start the series table names the laggards.
    const lagging = cold
      ? await laggingSeriesOf(deps, input.streamName, input.shardId)
      : new Map<string, LaggingSeries>();

    let shardIterator = (
      await kinesis.send(
        new GetShardIteratorCommand({
          StreamName: input.streamName,
          ShardId: input.shardId,
          ...(position.afterSequence
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: position.afterSequence }
            : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      )
    ).ShardIterator;
    const runEnds = Date.now() + config.ingest.shardRunMs;
    let idleSince = Date.now();
    let reads = 0;
    let millisBehindLatest = 0;
    const start = { ...position.counters };
    const run: RunActivity = { tickers: new Set(), failed: [] };
    const result = (extra: Partial<RunShardResult> = {}): RunShardResult => {
      const { counters } = position;
      const summary = {
        ...(run.firstSequence === undefined
          ? {}
          : { firstSequence: run.firstSequence, lastSequence: position.afterSequence }),
        tickers: run.tickers.size,
        stored: counters.stored - start.stored,
        deadLettered: counters.deadLettered - start.deadLettered,
        forwarded: counters.forwarded - start.forwarded,
        failed: run.failed,
      };
      return { ...position, run: summary, reads, millisBehindLatest, shardClosed: false, ...extra };
    };

    // Reads whose bars are stored and whose commit has not started: committed together.
    let uncommitted: StoredRead[] = [];
    let uncommittedSince = 0;
    // The commit being written while the next reads are read and stored; at most one.
    let committing: Promise<void> | undefined;
    const committed = async () => {
      const commit = committing;
      committing = undefined;
      await commit;
    };
    /** Starts the commit of the reads not yet committed, once the one in flight has landed (commits land in order). */
    const commitUncommitted = async (): Promise<void> => {
      const group = uncommitted;
      uncommitted = [];
      if (group.length === 0) return;
      const lap = stepClock(deps.metrics);
      await committed();
      lap('wait');
      const commit = commitReads(deps, input, position, group, run).then(() => {
        reads += group.length;
        shardStates.processedThrough(position.afterSequence);
        context.heartbeat(position);
        for (const read of group) deps.metrics.shardRead(input.shardId, read.behind, read.rejected);
      });
      committing = commit;
      void commit.catch(() => undefined); // awaited before the next commit, or the run's end
    };
    /** Commits every read so far and waits until it has landed. */
    const commitAll = async (): Promise<void> => {
      await commitUncommitted();
      await committed();
    };

    const getPage = (iterator: string) => {
      const page = kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: config.ingest.readLimit }));
      void page.catch(() => undefined); // awaited by the next read, or dropped with the run
      return page;
    };
    // The page after a read with records, fetched while that read is processed.
    let nextPage: ReturnType<typeof getPage> | undefined;

    try {
      while (shardIterator) {
        if (context.cancellationSignal.aborted) {
          await commitAll();
          return result();
        }
        const page = await (nextPage ?? getPage(shardIterator));
        nextPage = undefined;
        shardIterator = page.NextShardIterator;
        const behind = page.MillisBehindLatest ?? 0;
        millisBehindLatest = behind;
        const records = (page.Records ?? []).map(toStreamRecord);
        if (records.length > 0) {
          // A busy shard's next read is on its way while this one is processed, not a round trip after it.
          if (shardIterator) nextPage = getPage(shardIterator);
          run.firstSequence ??= records[0]!.seq;
          const read: StoredRead = { ...(await processRead(deps, input, position, states, records)), behind };
          idleSince = Date.now();
          if (uncommitted.length === 0) uncommittedSince = idleSince;
          uncommitted.push(read);
          // A hand-over changes how the next read routes its records, and a stop ends the run: both commit and wait.
          if (read.handsOver || read.stoppedFor !== undefined) await commitAll();
          else if (idleSince - uncommittedSince >= config.ingest.commitWithinMs) await commitUncommitted();
          if (read.stoppedFor !== undefined) return result({ stoppedFor: read.stoppedFor });
          continue;
        }
        // Caught up: what was read is committed before the catch-up step and any end.
        await commitAll();
        await catchUpPredictions(deps, states, lagging, backoff);
        if (millisBehindLatest > 0) continue; // an empty page, but data further on: read on at once
        // A run reports its position once the reads it did are followed by a quiet spell; an idle one runs to its end.
        if (Date.now() >= runEnds || (reads > 0 && Date.now() - idleSince >= config.ingest.longPollMs)) return result();
        context.heartbeat(position);
        await Promise.race([context.sleep(config.ingest.pollIntervalMs), context.cancelled]).catch(() => undefined);
      }
      await commitAll();
      return result({ shardClosed: true });
    } catch (error) {
      // Let a commit in flight land before a retry redoes it: a late progress write would step back.
      // Reads not yet committed are read again by the retry.
      await committing?.catch(() => undefined);
      shardStates.invalidate();
      throw error;
    }
  };
}

/** A read whose bars are stored: what its commit writes, hands over and counts. */
interface StoredRead {
  /** The records it took (a closing ticker's record and those after it are left to the next run). */
  records: StreamRecordIn[];
  rejected: number;
  processed: ProcessedBars;
  /** This read's batches of each fast-path series, for a hand-over if it failed. */
  fastBatches: Map<string, SeriesBatch[]>;
  forwards: Forward[];
  /** Some of its tickers go to their workflows (in workflow mode, or failed for good here). */
  handsOver: boolean;
  stoppedFor?: string;
  /** How far behind the stream's tip its page was (ms). */
  behind: number;
}

/**
 * One read up to its bars stored: dead letters, and the fast path's data plane (processSeriesBars)
 * for every ticker not in workflow mode. A closing ticker's next record ends the read just
 * before it (`stoppedFor`, so its hand-back can complete). Moves no position: commitRead does.
 */
async function processRead(
  deps: IngestDeps,
  input: RunShardInput,
  position: ShardPosition,
  states: Map<string, SeriesState>,
  all: StreamRecordIn[],
): Promise<Omit<StoredRead, 'behind'>> {
  const offboarded = await deps.offboarded.current();
  const route = (records: StreamRecordIn[]) =>
    routeRecords(input.shardId, records, deps.config.ingest.maxBarsPerBatch, (ticker, interval) =>
      offboarded.has(seriesKey(ticker, interval))
        ? `${ticker} ${interval} is offboarded (tickflow onboard ${ticker} to take it back)`
        : undefined,
    );
  let records = all;
  let routed = route(records);
  const closing = routed.batches
    .filter((b) => position.workflowSeries[seriesKey(b.ticker, b.interval)]?.closing)
    .sort((a, b) => compareSequence(a.batch.bars[0]!.seq, b.batch.bars[0]!.seq))[0];
  if (closing) {
    const cut = closing.batch.bars[0]!.seq;
    records = records.filter((r) => compareSequence(r.seq, cut) < 0);
    routed = route(records);
  }
  const { batches, rejected } = routed;
  if (rejected.length > 0) {
    const source = `kinesis/${input.streamName}/${input.shardId}`;
    const now = new Date().toISOString();
    await deps.deadLetters.put(
      rejected.map((r) => ({
        source,
        seq: r.seq,
        partitionKey: r.partitionKey,
        reason: r.reason,
        raw: r.raw,
        arrivedAt: new Date(r.arrivedAt).toISOString(),
        deadLetteredAt: now,
      })),
    );
  }

  const fast = new Map<string, SeriesBars>();
  const fastBatches = new Map<string, SeriesBatch[]>();
  const forwards: Forward[] = [];
  for (const b of batches) {
    const key = seriesKey(b.ticker, b.interval);
    if (position.workflowSeries[key]) {
      forwards.push({ batch: b });
      continue;
    }
    const entry = fast.get(key) ?? { ticker: b.ticker, interval: b.interval, bars: [] as IngestBar[] };
    entry.bars.push(...b.batch.bars);
    fast.set(key, entry);
    fastBatches.set(key, [...(fastBatches.get(key) ?? []), b]);
  }
  // A cold read of thousands of series outlasts the heartbeat timeout: beat (the position before this read) while it works.
  const processed = await processSeriesBars(deps, states, [...fast.values()], {
    keepAlive: throttled(() => Context.current().heartbeat(position), HEARTBEAT_EVERY_MS),
  });
  return {
    records,
    rejected: rejected.length,
    processed,
    fastBatches,
    forwards,
    handsOver: forwards.length > 0 || processed.outcomes.some((o) => o.failure !== undefined),
    ...(closing ? { stoppedFor: seriesKey(closing.ticker, closing.interval) } : {}),
  };
}

/**
 * The commit of reads whose bars are stored, in stream order: one progress write for all of them
 * (each series' newest), then each read's hand-overs of its failed tickers and forwards to
 * tickers in workflow mode (only a group's last read has any: such a read commits at once); the
 * position moves past each read, its counters with it.
 */
async function commitReads(
  deps: IngestDeps,
  input: RunShardInput,
  position: ShardPosition,
  group: readonly StoredRead[],
  run: RunActivity,
): Promise<void> {
  await writeProgress(deps, newestProgress(group));
  for (const read of group) await commitRead(deps, input, position, read, run);
}

/** Each series' progress as of the newest of these reads that has it. */
function newestProgress(group: readonly StoredRead[]) {
  const newest = new Map(
    group.flatMap((read) => read.processed.progress).map((p) => [seriesKey(p.ticker, p.interval), p] as const),
  );
  return [...newest.values()];
}

/** A read's part of a commit after the progress write: hand-overs and forwards, then the position and counters. */
async function commitRead(
  deps: IngestDeps,
  input: RunShardInput,
  position: ShardPosition,
  read: StoredRead,
  run: RunActivity,
): Promise<void> {
  if (read.records.length === 0) return;
  const { counters } = position;
  const failed: Forward[] = [];
  for (const outcome of read.processed.outcomes) {
    const key = seriesKey(outcome.ticker, outcome.interval);
    run.tickers.add(key);
    if (outcome.failure === undefined) continue;
    counters.failedTickers++;
    run.failed.push(key);
    position.workflowSeries[key] = {
      ticker: outcome.ticker,
      interval: outcome.interval,
      lastForwarded: null,
      closing: false,
    };
    for (const batch of read.fastBatches.get(key)!) failed.push({ batch, failure: outcome.failure });
  }
  for (const { batch } of read.forwards) run.tickers.add(seriesKey(batch.ticker, batch.interval));
  await forwardInOrder(deps, input.readerWorkflowId, position, [...failed, ...read.forwards]);
  // Counted with afterSequence, in the heartbeat that moves past these records: forwarding beats
  // the position, and a retry from a beat counted earlier would count these records again.
  for (const outcome of read.processed.outcomes) {
    counters.stored += outcome.stored;
    counters.duplicates += outcome.duplicates;
    counters.redelivered += outcome.redelivered;
  }
  counters.records += read.records.length;
  counters.deadLettered += read.rejected;
  position.afterSequence = read.records.at(-1)!.seq;
}

/** Hands batches to their ticker workflows: series concurrently, one series' batches strictly in order. */
async function forwardInOrder(
  deps: IngestDeps,
  reader: string,
  position: ShardPosition,
  forwards: Forward[],
): Promise<void> {
  const bySeries = new Map<string, Forward[]>();
  for (const f of forwards) {
    const key = seriesKey(f.batch.ticker, f.batch.interval);
    const queue = bySeries.get(key);
    if (queue) queue.push(f);
    else bySeries.set(key, [f]);
  }
  await eachLimited([...bySeries], SIGNAL_CONCURRENCY, async ([key, queue]) => {
    for (const {
      batch: { ticker, interval, batch },
      failure,
    } of queue) {
      Context.current().heartbeat(position);
      await deps.temporal.workflow.signalWithStart(tickerWorkflow, {
        ...tickerWorkflowStart(deps.config, ticker, interval),
        signal: barsSignal,
        signalArgs: [{ batch, reader, ...(failure === undefined ? {} : { failure }) }],
      });
      position.workflowSeries[key]!.lastForwarded = batch.bars.at(-1)!.seq;
      position.counters.forwarded += batch.bars.length;
    }
  });
}
