import { setTimeout as sleep } from 'node:timers/promises';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { barEvent, encodeMarketEvent } from '../domain/market-event';
import { KinesisSink, type SinkStats } from './kinesis-sink';
import type { MarketSource } from './sources/source';

export interface ProduceSummary extends SinkStats {
  tickers: number;
  durationMs: number;
  recordsPerSecond: number;
}

export interface ProduceOptions {
  streamName: string;
  onProgress?: (progress: { sent: number; total?: number; retried: number; elapsedMs: number }) => void;
  progressEveryMs?: number;
}

/**
 * Paces a source's ticks in real time (or as fast as the stream takes them), writing each as
 * versioned JSON records keyed by ticker. Draining after every tick is the backpressure: the
 * source is not read further until the stream has accepted what came before.
 */
export async function produce(
  kinesis: KinesisClient,
  source: MarketSource,
  options: ProduceOptions,
): Promise<ProduceSummary> {
  const sink = new KinesisSink(kinesis, { streamName: options.streamName });
  const tickers = new Set<string>();
  const started = Date.now();
  let lastProgress = 0;
  let lastReportedSent = -1;
  const report = (force = false) => {
    const now = Date.now();
    if (
      !options.onProgress ||
      lastReportedSent === sink.stats.sent ||
      (!force && now - lastProgress < (options.progressEveryMs ?? 1000))
    )
      return;
    lastProgress = now;
    lastReportedSent = sink.stats.sent;
    options.onProgress({
      sent: sink.stats.sent,
      total: source.total,
      retried: sink.stats.retriedRecords,
      elapsedMs: now - started,
    });
  };
  for await (const tick of source.ticks()) {
    const wait = started + tick.atMs - Date.now();
    if (wait > 0) await sleep(wait);
    for (const event of tick.events) {
      tickers.add(event.ticker);
      sink.push({
        partitionKey: event.ticker,
        data: Buffer.from(encodeMarketEvent(barEvent(event.ticker, event.interval, event.bar))),
      });
      // Bound memory on huge ticks: drain in slices.
      if (sink.buffered >= 50_000) await sink.drain(report);
    }
    await sink.drain(report);
  }
  report(true);
  const durationMs = Date.now() - started;
  return {
    ...sink.stats,
    tickers: tickers.size,
    durationMs,
    recordsPerSecond: sink.stats.sent / Math.max(durationMs / 1000, 1e-3),
  };
}
