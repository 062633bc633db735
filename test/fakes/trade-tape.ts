import type { Bar } from '../../domain/market-event';

export interface Trade {
  symbol: string;
  t: number;
  price: number;
  size: number;
}

const MINUTE = 60_000;

/**
 * A deterministic market on a fast virtual clock, for fake provider servers: every `tickMs` of
 * real time the clock moves `virtualMsPerTick` and each symbol trades `tradesPerTick` times.
 * The minute bars the servers stream and serve over REST are built from these same trades, so
 * a client can be checked bar for bar.
 */
export class TradeTape {
  readonly trades = new Map<string, Trade[]>();
  now: number;
  private state: number;
  private readonly prices = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(
    readonly symbols: readonly string[],
    readonly options: { start: number; seed: number; tickMs: number; virtualMsPerTick: number; tradesPerTick: number },
  ) {
    this.now = options.start;
    this.state = options.seed >>> 0;
    symbols.forEach((s, i) => (this.prices.set(s, 50 + 25 * i), this.trades.set(s, [])));
  }

  start(onTick: (trades: Trade[], closedMinutes: number[]) => void): void {
    this.timer = setInterval(() => onTick(...this.advance()), this.options.tickMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Closed minute bars of a symbol starting in [fromMs, toMs]. */
  bars(symbol: string, fromMs: number, toMs: number): Bar[] {
    const bars = new Map<number, Bar>();
    for (const { t, price, size } of this.trades.get(symbol) ?? []) {
      const start = t - (t % MINUTE);
      if (start < fromMs || start > toMs || start + MINUTE > this.now) continue;
      const b = bars.get(start);
      bars.set(
        start,
        b
          ? { ...b, h: Math.max(b.h, price), l: Math.min(b.l, price), c: price, v: b.v + size }
          : { t: start, o: price, h: price, l: price, c: price, v: size },
      );
    }
    return [...bars.values()].sort((a, b) => a.t - b.t);
  }

  private advance(): [Trade[], number[]] {
    const { virtualMsPerTick, tradesPerTick } = this.options;
    const from = this.now;
    const trades: Trade[] = [];
    for (let k = 0; k < tradesPerTick; k++) {
      const t = from + Math.floor((k * virtualMsPerTick) / tradesPerTick);
      for (const symbol of this.symbols) {
        const price = Math.round(this.prices.get(symbol)! * (1 + (this.random() - 0.5) / 200) * 100) / 100;
        this.prices.set(symbol, price);
        const trade = { symbol, t, price, size: 1 + Math.floor(this.random() * 300) };
        this.trades.get(symbol)!.push(trade);
        trades.push(trade);
      }
    }
    this.now = from + virtualMsPerTick;
    const closed: number[] = [];
    for (let m = from - (from % MINUTE); m + MINUTE <= this.now; m += MINUTE) if (m + MINUTE > from) closed.push(m);
    return [trades, closed];
  }

  private random(): number {
    // mulberry32
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let x = this.state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  }
}
