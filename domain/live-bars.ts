import type { Bar } from './market-event';

/** What the feed engine must do next, in this order. */
export type LiveAction =
  | { kind: 'emit'; symbol: string; bar: Bar }
  /** Fetch the bars [fromMs, toMs] (bar start times) over the provider's REST API, then `backfilled()` them. */
  | { kind: 'backfill'; symbol: string; fromMs: number; toMs: number };

interface SymbolState {
  /** Start of the newest bar emitted: nothing at or before it is emitted again. */
  lastEmitted?: number;
  /** Set by a (re)connect or subscribe: the next event decides where live data resumes. */
  syncing: boolean;
  /** Trades mode: first bar built from streamed trades; earlier ones come from REST. */
  resumeFrom?: number;
  pendingGap?: { fromMs: number; toMs: number };
  /** A backfill was asked for and has not come back: bars closed meanwhile wait behind it. */
  held?: Bar[];
  forming?: Bar;
}

/**
 * Turns a live feed into complete bars, each exactly once and in time order per symbol, across
 * reconnects. Time is event time (the feed's own timestamps), so it behaves the same at any
 * replay speed.
 *
 * - `trades` mode builds bars from trades. After a (re)connect or a new subscription the first
 *   minute seen is partial (trades before the connection are missing) and so is every minute
 *   the connection was down: those bars are fetched over REST once the feed's clock has passed
 *   them, then streaming takes over.
 * - `bars` mode passes the provider's own bars through; after a reconnect, bars missed while
 *   down are fetched over REST before the first streamed one.
 *
 * A bar closes when the feed's clock (newest event time on the connection) passes its end by
 * `latenessMs`; trades for a closed bar are dropped and counted.
 */
export class LiveBarAssembler {
  private readonly symbols = new Map<string, SymbolState>();
  private clock = -Infinity;
  lateTrades = 0;

  constructor(
    private readonly mode: 'trades' | 'bars',
    private readonly intervalMs = 60_000,
    private readonly latenessMs = 2_000,
  ) {}

  /** Symbols now subscribed; new ones start syncing, removed ones drop their forming bar. */
  subscribed(symbols: readonly string[]): void {
    const wanted = new Set(symbols);
    for (const symbol of this.symbols.keys()) if (!wanted.has(symbol)) this.symbols.delete(symbol);
    for (const symbol of wanted) if (!this.symbols.has(symbol)) this.symbols.set(symbol, { syncing: true });
  }

  /** The connection was lost (or replaced): forming bars are incomplete and every symbol resyncs. */
  reconnected(): void {
    this.clock = -Infinity;
    for (const state of this.symbols.values()) {
      state.forming = undefined;
      state.resumeFrom = undefined;
      state.pendingGap = undefined;
      state.syncing = true;
    }
  }

  trade(symbol: string, t: number, price: number, size: number): LiveAction[] {
    if (this.mode !== 'trades') return [];
    const actions = this.advanceClock(t); // any trade tells the feed's time, even one for a symbol just unsubscribed
    const state = this.symbols.get(symbol);
    if (!state || state.resumeFrom === undefined || t < state.resumeFrom) return actions; // a partial minute: REST covers it
    const start = this.barStart(t);
    if ((state.lastEmitted !== undefined && start <= state.lastEmitted) || (state.forming && start < state.forming.t)) {
      this.lateTrades++;
      return actions;
    }
    if (state.forming && start > state.forming.t) actions.push(...this.close(symbol, state));
    const f = state.forming;
    state.forming = f
      ? { ...f, h: Math.max(f.h, price), l: Math.min(f.l, price), c: price, v: f.v + size }
      : { t: start, o: price, h: price, l: price, c: price, v: size };
    return actions;
  }

  bar(symbol: string, bar: Bar): LiveAction[] {
    const state = this.symbols.get(symbol);
    if (!state || this.mode !== 'bars') return [];
    const actions: LiveAction[] = [];
    if (state.syncing) {
      state.syncing = false;
      if (state.lastEmitted !== undefined && bar.t > state.lastEmitted + this.intervalMs) {
        actions.push(this.askBackfill(symbol, state, state.lastEmitted + this.intervalMs, bar.t - this.intervalMs));
      }
    }
    if (state.held) {
      state.held.push(bar);
      return actions;
    }
    return [...actions, ...this.emitIfNew(symbol, state, bar)];
  }

  /** Bars fetched for a `backfill` action (any order, possibly overlapping what was emitted). */
  backfilled(symbol: string, bars: readonly Bar[]): LiveAction[] {
    const state = this.symbols.get(symbol);
    if (!state) return [];
    const held = state.held ?? [];
    state.held = undefined;
    return [...[...bars].sort((a, b) => a.t - b.t), ...held].flatMap((bar) => this.emitIfNew(symbol, state, bar));
  }

  private advanceClock(t: number): LiveAction[] {
    const actions: LiveAction[] = [];
    if (t > this.clock) this.clock = t;
    for (const [symbol, state] of this.symbols) {
      if (state.syncing) {
        state.syncing = false;
        state.resumeFrom = this.barStart(t) + this.intervalMs;
        const fromMs = state.lastEmitted !== undefined ? state.lastEmitted + this.intervalMs : this.barStart(t);
        state.pendingGap = fromMs < state.resumeFrom ? { fromMs, toMs: state.resumeFrom - this.intervalMs } : undefined;
      }
      if (state.pendingGap && state.resumeFrom !== undefined && this.clock >= state.resumeFrom + this.latenessMs) {
        actions.push(this.askBackfill(symbol, state, state.pendingGap.fromMs, state.pendingGap.toMs));
        state.pendingGap = undefined;
      }
    }
    for (const [symbol, state] of this.symbols) {
      if (state.forming && !state.pendingGap && this.clock >= state.forming.t + this.intervalMs + this.latenessMs)
        actions.push(...this.close(symbol, state));
    }
    return actions;
  }

  private askBackfill(symbol: string, state: SymbolState, fromMs: number, toMs: number): LiveAction {
    state.held = state.held ?? [];
    return { kind: 'backfill', symbol, fromMs, toMs };
  }

  private close(symbol: string, state: SymbolState): LiveAction[] {
    const bar = state.forming!;
    state.forming = undefined;
    if (state.held) {
      state.held.push(bar);
      return [];
    }
    return this.emitIfNew(symbol, state, bar);
  }

  private emitIfNew(symbol: string, state: SymbolState, bar: Bar): LiveAction[] {
    if (state.lastEmitted !== undefined && bar.t <= state.lastEmitted) return [];
    state.lastEmitted = bar.t;
    return [{ kind: 'emit', symbol, bar }];
  }

  private barStart(t: number): number {
    return t - (((t % this.intervalMs) + this.intervalMs) % this.intervalMs);
  }
}
