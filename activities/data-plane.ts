import { errorText } from '../observability/error-text';
import { stepClock } from '../observability/metrics';
import { log } from '@temporalio/activity';
import { featureRows, type FeatureRow, type HistoryBar } from '../domain/features';
import { selectNewBars, type IngestBar } from '../domain/ingest-batch';
import type { BarInterval } from '../domain/market-event';
import { seriesKey } from '../domain/series-key';
import { blocksToRead, completeBlocks, positionOf, type WarmupBlock } from '../domain/warmup-blocks';
import type { StoredBar } from '../store/bars-store';
import { forecastOf, type Prediction } from '../store/predictions-store';
import type { SeriesProgress } from '../store/series-progress-store';
import type { IngestDeps } from './deps';
import { eachLimited } from './each-limited';
import { isTransient } from './failure-kind';
import { predictionAt, timedInvoke } from './predict-bars';
import { advanceSeries, hintedBlocks, loadSeriesState, type SeriesState } from './series-state';

/**
 * How long a read waits on the endpoint before leaving its bars' predictions to the catch-up
 * step; the bars are stored already, so a slow endpoint never holds up ingestion.
 */
const INLINE_PREDICT_TIMEOUT_MS = 5_000;
/** Series loaded from storage at once on a cold read (a restart, a new shard owner). */
export const LOAD_CONCURRENCY = 16;

/** One series' bars from one read, in stream order. */
export interface SeriesBars {
  ticker: string;
  interval: BarInterval;
  bars: IngestBar[];
}

interface SeriesOutcome {
  ticker: string;
  interval: BarInterval;
  stored: number;
  duplicates: number;
  redelivered: number;
  lastBarTime: number | null;
  lastSeq: string | null;
  predictedThrough: number | null;
  /** Why this series' bars failed for good (a client fault or a bug, not an outage); nothing of it was stored. */
  failure?: string;
}

/** A read's outcome per series, and the progress its commit writes. */
export interface ProcessedBars {
  outcomes: SeriesOutcome[];
  progress: SeriesProgress[];
}

interface Work {
  input: SeriesBars;
  key: string;
  state?: SeriesState;
  /** The series' predictions were caught up before this read: its new rows join the read's one InvokeEndpoint. */
  caughtUp: boolean;
  /** The stored bars before this read's (the features' history), and this read's new rows. */
  history: HistoryBar[];
  rows: StoredBar[];
  /** The warm-up blocks `rows` complete, written with them. */
  blocks: WarmupBlock[];
  /** The forecasts made at `rows`, each also in its row's item; empty when left to the catch-up step. */
  predictions: Prediction[];
  arrivals: number[];
  outcome: SeriesOutcome;
}

/**
 * Runs `step` for each work item; a failure that is not an outage fails that series alone
 * (it goes to its ticker workflow), an outage fails the call (it is retried, nothing lost).
 */
async function isolated(
  works: Work[],
  states: Map<string, SeriesState>,
  limit: number,
  keepAlive: () => void,
  step: (work: Work) => Promise<void>,
): Promise<void> {
  await eachLimited(works, limit, async (work) => {
    if (work.outcome.failure !== undefined) return;
    keepAlive();
    try {
      await step(work);
    } catch (error) {
      if (isTransient(error)) throw error;
      work.outcome.failure = errorText(error);
      states.delete(work.key);
    }
  });
}

/**
 * The data plane: many tickers' new bars from one shard read (or one ticker's, for its
 * workflow) → indicators in order from each series' state (kept in memory, rebuilt from
 * storage on a miss) → one InvokeEndpoint for every row of a series whose predictions are
 * caught up → one batched write of every row, each bar's item holding its forecast → alert
 * rules; returns the outcomes and the series' progress, for the caller to write (writeProgress)
 * once the read is otherwise done. Repeats (a producer re-sent a record, a read
 * retried) are dropped per series. An outage throws, with nothing half-done that a retry would
 * not redo identically (every write is keyed by series and bar time); a series that fails for
 * good is reported, and the others go on. A series whose forecasts fell behind (the endpoint
 * failed) is stored without asking the endpoint: the catch-up step predicts it.
 */
export async function processSeriesBars(
  deps: IngestDeps,
  states: Map<string, SeriesState>,
  batches: readonly SeriesBars[],
  { keepAlive = () => undefined }: { keepAlive?: () => void } = {},
): Promise<ProcessedBars> {
  const works: Work[] = batches.map((input) => ({
    input,
    key: seriesKey(input.ticker, input.interval),
    caughtUp: false,
    history: [],
    rows: [],
    blocks: [],
    predictions: [],
    arrivals: [],
    outcome: {
      ticker: input.ticker,
      interval: input.interval,
      stored: 0,
      duplicates: 0,
      redelivered: 0,
      lastBarTime: null,
      lastSeq: null,
      predictedThrough: null,
    },
  }));
  const lap = stepClock(deps.metrics);
  const missing = works.filter((w) => !states.has(w.key)).map((w) => w.input);
  const stored = missing.length === 0 ? new Map<string, SeriesProgress>() : await deps.series.getMany(missing);
  const blocks = hintedBlocks(
    deps,
    missing.flatMap((series) => stored.get(seriesKey(series.ticker, series.interval)) ?? []),
  );
  await isolated(works, states, LOAD_CONCURRENCY, keepAlive, async (work) => {
    const state =
      states.get(work.key) ??
      (await loadSeriesState(deps, work.input.ticker, work.input.interval, stored.get(work.key), {
        blocks: blocks.get(work.key),
      }));
    states.set(work.key, state);
    work.state = state;
  });
  lap('load');
  for (const work of works) {
    const state = work.state;
    if (!state || work.outcome.failure !== undefined) continue;
    const before = state.indicators.lastBarTime;
    work.caughtUp = deps.config.model.interval === work.input.interval && state.predictedThrough === before;
    const selected = selectNewBars(work.input.bars, before, state.lastSeq);
    Object.assign(work.outcome, { duplicates: selected.duplicates, redelivered: selected.redelivered });
    try {
      work.history = state.recent;
      work.rows = advanceSeries(state, work.input.ticker, work.input.interval, selected.fresh);
      work.blocks = completeBlocks(state.chain, work.rows, blocksToRead(deps.config.ingest.warmupBars));
      work.arrivals = selected.fresh.map((b) => b.arrivedAt);
    } catch (error) {
      work.outcome.failure = errorText(error);
      states.delete(work.key);
    }
  }
  lap('compute');
  keepAlive();
  await predictCaughtUp(deps, works);
  lap('predict');
  keepAlive();
  await storeRows(deps, works, states, keepAlive);
  lap('store');
  const storedAt = Date.now();
  for (const work of works)
    if (work.predictions.length > 0 && work.outcome.failure === undefined)
      work.state!.predictedThrough = work.state!.indicators.lastBarTime;
  const advanced = works.filter((w) => w.outcome.failure === undefined && w.state);
  for (const { outcome, rows, state } of advanced) {
    Object.assign(outcome, {
      stored: rows.length,
      lastBarTime: state!.indicators.lastBarTime,
      lastSeq: state!.lastSeq,
      predictedThrough: state!.predictedThrough,
    });
  }
  const withRows = advanced.filter((w) => w.rows.length > 0);
  // Taken now: the next read advances these states while this read's progress is written.
  const progress: SeriesProgress[] = withRows.map(({ outcome, input, state }) => ({
    ticker: outcome.ticker,
    interval: outcome.interval,
    lastBarTime: outcome.lastBarTime!,
    lastArrivalAt: input.bars.at(-1)!.arrivedAt,
    lastStoredAt: storedAt,
    ...(outcome.predictedThrough === null ? {} : { predictedThrough: outcome.predictedThrough }),
    ...(outcome.lastSeq === null ? {} : { lastSeq: outcome.lastSeq }),
    chain: positionOf(state!.chain),
  }));
  // Alerts are keyed by rule and bar, so running them before the progress write sends nothing twice on a retry.
  // Only series with a rule are visited: a read of thousands of series without one awaits nothing per series.
  const watched = await deps.alerts.watchedSeries();
  await isolated(
    withRows.filter((w) => watched.has(w.key)),
    states,
    LOAD_CONCURRENCY,
    keepAlive,
    async (work) => {
      await deps.alerts.afterBars(work.outcome.ticker, work.outcome.interval, work.rows);
      await deps.alerts.afterPredictions(work.outcome.ticker, work.outcome.interval, work.predictions);
    },
  );
  for (const work of withRows) {
    if (work.outcome.failure !== undefined) continue;
    deps.metrics.barsStored(work.outcome.ticker, work.outcome.interval, work.arrivals, storedAt);
    deps.metrics.forecastsStored(
      work.outcome.ticker,
      work.outcome.interval,
      work.predictions.map((p) => p.t),
      storedAt,
    );
  }
  lap('alerts');
  for (const work of works)
    if (work.outcome.failure !== undefined) deps.metrics.batchFailed(work.outcome.ticker, work.outcome.interval);
  return { outcomes: works.map((w) => w.outcome), progress };
}

/**
 * A read's commit point: one batched write of its series' progress. A cold load starts from what
 * it names, so it follows the read's bars (and any read's progress before it).
 */
export async function writeProgress(deps: IngestDeps, progress: readonly SeriesProgress[]): Promise<void> {
  const lap = stepClock(deps.metrics);
  // One batched write: a conditional update per series was a round trip per ticker.
  await deps.series.putAll(progress, deps.config.ingest.writeConcurrency);
  lap('progress');
}

/** One batched write for the whole read (bars and the warm-up blocks they complete); when it is refused, series by series, so only the series at fault fails. */
async function storeRows(
  deps: IngestDeps,
  works: Work[],
  states: Map<string, SeriesState>,
  keepAlive: () => void,
): Promise<void> {
  // A read of repeats alone may still complete a block (bars left over from before a restart).
  const ready = works.filter((w) => w.outcome.failure === undefined && (w.rows.length > 0 || w.blocks.length > 0));
  const blocksOf = (w: Work) =>
    w.blocks.map((block) => ({ ticker: w.input.ticker, interval: w.input.interval, block }));
  try {
    await deps.bars.putWithBlocks(
      ready.flatMap((w) => w.rows),
      ready.flatMap(blocksOf),
      deps.config.ingest.writeConcurrency,
    );
  } catch (error) {
    if (isTransient(error)) throw error;
    await isolated(ready, states, LOAD_CONCURRENCY, keepAlive, (work) =>
      deps.bars.putWithBlocks(work.rows, blocksOf(work), deps.config.ingest.writeConcurrency),
    );
  }
}

/**
 * One InvokeEndpoint for the read's caught-up rows, whose forecasts then go into the rows'
 * items; if it fails or is slow they are stored without, and the catch-up step predicts them.
 */
async function predictCaughtUp(deps: IngestDeps, works: Work[]): Promise<void> {
  const horizon = deps.config.model.horizon;
  const asked = works
    .filter((w) => w.caughtUp && w.outcome.failure === undefined && w.rows.length > 0)
    .map((w) => ({ work: w, features: featureRows(w.rows, horizon, w.history) }));
  const rows: FeatureRow[] = asked.flatMap((a) => a.features);
  if (rows.length === 0) return;
  try {
    const answer = await timedInvoke(
      deps,
      rows.map((r) => r.features),
      INLINE_PREDICT_TIMEOUT_MS,
    );
    const predictedAt = Date.now();
    let i = 0;
    for (const { work, features } of asked) {
      work.predictions = features.map((row) =>
        predictionAt(work.input.ticker, work.input.interval, horizon, row, answer, i++, predictedAt),
      );
      work.rows = work.rows.map((row, j) => ({ ...row, prediction: forecastOf(work.predictions[j]!) }));
    }
  } catch (error) {
    log.info('predictions left to the catch-up step', {
      series: asked.length,
      rows: rows.length,
      reason: errorText(error),
    });
  }
}
