import type { Bar, BarInterval } from '../../domain/market-event';

export interface SourceEvent {
  ticker: string;
  interval: BarInterval;
  bar: Bar;
}

/** A group of events due together, `atMs` after the start of the run (0 = as soon as possible). */
export interface SourceTick {
  atMs: number;
  events: SourceEvent[];
}

export interface MarketSource {
  /** Human-readable description for progress output. */
  describe(): string;
  /** Total events, when known up front (for progress percentages). */
  total?: number;
  ticks(): AsyncIterable<SourceTick> | Iterable<SourceTick>;
}
