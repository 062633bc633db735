import { IndicatorSet } from '../../domain/indicators';
import { barEvent, encodeMarketEvent, type Bar, type BarEvent } from '../../domain/market-event';
import { SyntheticMarket } from '../../domain/synthetic';
import { KinesisSink } from '../../producer/kinesis-sink';
import { BarsStore } from '../../store/bars-store';
import { firstMismatch } from '../reference/indicators';
import type { TestContext } from '../integration/harness';

/** A seeded synthetic market of `tickers` tickers named `<prefix><digit>`, `bars` one-minute bars each, step by step. */
export function drillMarket(prefix: string, tickers: number, bars: number, seed: number) {
  const market = new SyntheticMarket({ tickers, seed, startTime: Date.parse('2024-06-03T14:30:00Z'), stepMs: 60_000 });
  const steps = Array.from({ length: bars }, () =>
    market.next().map(({ ticker, bar }) => ({ ticker: `${prefix}${ticker.slice(-1)}`, bar })),
  );
  const byTicker = new Map<string, Bar[]>();
  for (const { ticker, bar } of steps.flat()) byTicker.set(ticker, [...(byTicker.get(ticker) ?? []), bar]);
  return { steps, byTicker };
}

export const streamRecord = (event: BarEvent) => ({
  partitionKey: event.ticker,
  data: Buffer.from(encodeMarketEvent(event)),
});

/** The stream records of market steps [from, to), in order. */
export const recordsOf = (
  steps: ReadonlyArray<ReadonlyArray<{ ticker: string; bar: Bar }>>,
  from: number,
  to: number,
) =>
  steps
    .slice(from, to)
    .flat()
    .map(({ ticker, bar }) => streamRecord(barEvent(ticker, '1m', bar)));

/** Sends records in order through the producer's sink; returns the last sequence number per shard. */
export async function sendRecords(
  context: TestContext,
  records: Array<{ partitionKey: string; data: Buffer }>,
): Promise<Record<string, string>> {
  const sink = new KinesisSink(context.aws.kinesis, { streamName: context.config.stream.name });
  for (const record of records) sink.push(record);
  await sink.drain();
  return sink.stats.lastSequenceByShard;
}

/** Every expected bar stored once, in order, with the indicators of an uninterrupted run. */
export async function expectExactlyOnce(context: TestContext, byTicker: Map<string, Bar[]>): Promise<void> {
  const store = new BarsStore(context.aws.documents, context.config.tables.bars);
  for (const [ticker, expected] of byTicker) {
    const stored = await store.range(ticker, '1m');
    expect({ ticker, times: stored.map((b) => b.t) }).toEqual({ ticker, times: expected.map((b) => b.t) });
    const uninterrupted = IndicatorSet.empty();
    stored.forEach((bar, i) => {
      expect(bar.c).toBe(expected[i]!.c);
      const mismatch = firstMismatch(
        bar as unknown as Record<string, unknown>,
        uninterrupted.add(expected[i]!) as unknown as Record<string, number | null>,
      );
      if (mismatch) throw new Error(`${ticker} bar ${i}: ${mismatch}`);
    });
  }
}

export const seriesOf = (byTicker: Map<string, Bar[]>) =>
  [...byTicker.keys()].map((ticker) => ({ ticker, interval: '1m' }));
