import type { Bar } from '../../domain/market-event';

/** One frame of a provider's websocket, read into what the feed engine acts on. */
export type FeedMessage =
  /** Authenticated (or nothing to authenticate): subscriptions may be sent. */
  | { type: 'ready' }
  | { type: 'trade'; symbol: string; t: number; price: number; size: number }
  | { type: 'bar'; symbol: string; bar: Bar }
  /** `fatal`: retrying cannot help (bad credentials, plan without this feed): stop and say why. */
  | { type: 'error'; message: string; fatal: boolean }
  | { type: 'info'; message: string };

/** What differs between Alpaca, Finnhub, …: everything else (reconnects, gaps, order) is the engine's. */
export interface FeedProtocol {
  name: string;
  /** Whether the provider streams complete bars, or trades to build them from. */
  mode: 'trades' | 'bars';
  url: string;
  /** Whether the socket must be authenticated (a `ready` message) before subscribing. */
  awaitsReady: boolean;
  /** Frames to send once the socket is open (authentication). */
  onOpen(): string[];
  /** Reads one frame; throws (with the reason) on a frame that breaks the documented format. */
  parse(frame: string): FeedMessage[];
  subscribe(symbols: readonly string[]): string[];
  unsubscribe(symbols: readonly string[]): string[];
  /** 1-minute bars starting in [fromMs, toMs], from the provider's REST API. */
  fetchBars(symbol: string, fromMs: number, toMs: number): Promise<Bar[]>;
}
