import { errorText } from '../observability/error-text';
import { log } from '@temporalio/activity';
import type { BarInterval } from '../domain/market-event';
import type { IngestDeps } from './deps';
import { predictStoredBars } from './predict-bars';
import type { SeriesState } from './series-state';
import { listShards, shardsOwningKey } from '../clients/kinesis-shards';
import { seriesKey } from '../domain/series-key';

/** How long one catch-up pass may take before the shard is read again. */
const PASS_BUDGET_MS = 2_000;

/** Waits between catch-up attempts while the endpoint fails: 1 s, doubling up to the configured maximum. */
export class PredictionBackoff {
  private delayMs = 0;
  private nextAt = 0;
  constructor(private readonly maxMs: number) {}
  get due(): boolean {
    return Date.now() >= this.nextAt;
  }
  /** True on the first failure after a success: the moment worth a warning, not every retry. */
  failed(): boolean {
    const first = this.delayMs === 0;
    this.delayMs = Math.min(Math.max(1_000, this.delayMs * 2), this.maxMs);
    this.nextAt = Date.now() + this.delayMs;
    return first;
  }
  /** True when this ends a run of failures. */
  succeeded(): boolean {
    const recovered = this.delayMs > 0;
    this.delayMs = 0;
    this.nextAt = 0;
    return recovered;
  }
}

/** A series behind on predictions that no state in memory covers (found in storage after a cold start). */
export interface LaggingSeries {
  predictedThrough: number | null;
  through: number;
}

/**
 * The shard's series whose predictions fell behind before this worker had them: after a
 * restart or a takeover no read may bring them back soon, so the series table says which.
 */
export async function laggingSeriesOf(
  deps: IngestDeps,
  streamName: string,
  shardId: string,
): Promise<Map<string, LaggingSeries>> {
  const shard = (await listShards(deps.kinesis, streamName)).find((s) => s.ShardId === shardId);
  const lagging = shard ? await deps.series.lagging(deps.config.model.interval) : [];
  return new Map(
    lagging
      .filter((p) => shardsOwningKey([shard!], p.ticker).length > 0)
      .map((p) => [
        seriesKey(p.ticker, p.interval),
        { predictedThrough: p.predictedThrough ?? null, through: p.lastBarTime },
      ]),
  );
}

/**
 * Series whose forecasts end before their bars, states first: a pass runs whenever a shard is
 * caught up, over thousands of states nearly all caught up, so it allocates nothing for those.
 */
function* seriesBehind(
  states: Map<string, SeriesState>,
  lagging: Map<string, LaggingSeries>,
): Generator<{ key: string; through: number; watermark: { predictedThrough: number | null } }> {
  for (const [key, state] of states) {
    const through = state.indicators.lastBarTime;
    if (through !== null && state.predictedThrough !== through) yield { key, through, watermark: state };
  }
  for (const [key, series] of lagging)
    if (!states.has(key) && series.predictedThrough !== series.through)
      yield { key, through: series.through, watermark: series };
}

/**
 * Predicts the stored bars of series that fell behind on predictions (the endpoint was down,
 * slow, or had no model): their bars were stored without waiting. Runs between reads, for at
 * most PASS_BUDGET_MS, and stops at the first failure until the backoff is over. A series with
 * a state in memory is tracked there; `lagging` holds the others.
 */
export async function catchUpPredictions(
  deps: IngestDeps,
  states: Map<string, SeriesState>,
  lagging: Map<string, LaggingSeries>,
  backoff: PredictionBackoff,
): Promise<void> {
  if (!backoff.due) return;
  const { interval, horizon } = deps.config.model;
  const passEnds = Date.now() + PASS_BUDGET_MS;
  for (const { key, through, watermark } of seriesBehind(states, lagging)) {
    if (!backoff.due || Date.now() >= passEnds) return;
    const [ticker, seriesInterval] = key.split('#') as [string, BarInterval];
    if (seriesInterval !== interval) continue;
    try {
      const result = await predictStoredBars(deps, {
        ticker,
        interval,
        after: watermark.predictedThrough,
        through,
        horizon,
      });
      watermark.predictedThrough = result.predictedThrough;
      if (result.predictedThrough >= through) lagging.delete(key);
      if (backoff.succeeded()) log.info('prediction catch-up: the endpoint answers again', { ticker, interval });
    } catch (error) {
      // Without a model in service the endpoint does not exist: that lasts, so one warning, then retries in silence.
      const reason = errorText(error);
      if (backoff.failed())
        log.warn('prediction catch-up waits for the endpoint (retrying with backoff, quietly)', {
          ticker,
          interval,
          reason,
        });
      else log.debug('prediction catch-up still waits for the endpoint', { ticker, interval, reason });
      return;
    }
  }
}
