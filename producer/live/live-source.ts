import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { LiveBarAssembler, type LiveAction } from '../../domain/live-bars';
import type { Bar } from '../../domain/market-event';
import type { Logger } from '../../observability/logger';
import type { MarketSource, SourceTick } from '../sources/source';
import type { FeedProtocol } from './feed-protocol';

export class FatalFeedError extends Error {
  override name = 'FatalFeedError';
}

export interface LiveSourceOptions {
  protocol: FeedProtocol;
  /** The symbols to stream: a fixed list, or the registry's active tickers (asked again every `refreshMs`). */
  symbols: () => Promise<readonly string[]>;
  refreshMs?: number;
  signal: AbortSignal;
  log: Logger;
  backoff?: { initialMs: number; maxMs: number };
  /** No frame or pong for this long: the connection is dead even if TCP has not noticed. */
  idleTimeoutMs?: number;
}

export interface LiveStats {
  connections: number;
  trades: number;
  streamedBars: number;
  emittedBars: number;
  backfilledBars: number;
  lateTrades: number;
  badFrames: number;
  errorFrames: number;
}

/** Waits `ms`, or less when `signal` aborts (then the caller sees the abort and stops). */
const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  sleep(ms, undefined, { signal }).catch(() => undefined);

/**
 * A live provider as a MarketSource: connects, authenticates, subscribes, and yields each
 * complete 1-minute bar once, in order per symbol. Drops are reconnected with exponential
 * backoff (jittered; reset once a connection is ready) and resubscribed; bars missed while
 * down come from the provider's REST API (see LiveBarAssembler). Ends when `signal` aborts,
 * or throws FatalFeedError when retrying cannot help (bad credentials).
 */
export function liveSource(options: LiveSourceOptions): MarketSource & { stats: LiveStats } {
  const stats: LiveStats = {
    connections: 0,
    trades: 0,
    streamedBars: 0,
    emittedBars: 0,
    backfilledBars: 0,
    lateTrades: 0,
    badFrames: 0,
    errorFrames: 0,
  };
  return {
    stats,
    describe: () =>
      `${options.protocol.name} live ${options.protocol.mode} (${options.protocol.url.replace(/token=[^&]+/, 'token=…')})`,
    async *ticks(): AsyncIterable<SourceTick> {
      const ready: SourceTick[] = [];
      let wake: (() => void) | undefined;
      let finished = false;
      let failure: unknown;
      const push = (tick: SourceTick) => {
        ready.push(tick);
        wake?.();
      };
      const feed = new LiveFeed(options, stats, push);
      void feed.run().then(
        () => ((finished = true), wake?.()),
        (error: unknown) => ((failure = error), (finished = true), wake?.()),
      );
      for (;;) {
        while (ready.length) yield ready.shift()!;
        if (finished) break;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      if (failure) throw failure;
    },
  };
}

class LiveFeed {
  private readonly assembler: LiveBarAssembler;
  private subscribed = new Set<string>();

  constructor(
    private readonly options: LiveSourceOptions,
    private readonly stats: LiveStats,
    private readonly push: (tick: SourceTick) => void,
  ) {
    this.assembler = new LiveBarAssembler(options.protocol.mode);
  }

  async run(): Promise<void> {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    let failures = 0;
    while (!this.options.signal.aborted) {
      const becameReady = await this.connectOnce();
      if (this.options.signal.aborted) break;
      failures = becameReady ? 0 : failures + 1;
      const delay = Math.min(maxMs, initialMs * 2 ** failures) * (0.5 + Math.random() / 2);
      this.options.log.warn(
        { feed: this.options.protocol.name, retryInMs: Math.round(delay), failures },
        'feed connection lost; reconnecting',
      );
      await pause(delay, this.options.signal);
    }
  }

  /** One connection, from open to close. Resolves whether it got as far as subscribing. */
  private connectOnce(): Promise<boolean> {
    const { protocol, log, signal } = this.options;
    return new Promise<boolean>((resolve, reject) => {
      let isReady = false;
      let fatal: FatalFeedError | undefined;
      let lastHeard = Date.now();
      let chain = Promise.resolve();
      const socket = new WebSocket(protocol.url);
      const idleTimeoutMs = this.options.idleTimeoutMs ?? 30_000;
      const heartbeat = setInterval(
        () => {
          if (Date.now() - lastHeard > idleTimeoutMs) socket.terminate();
          else if (socket.readyState === WebSocket.OPEN) socket.ping();
        },
        Math.min(10_000, idleTimeoutMs / 3),
      );
      const refresh = setInterval(() => {
        chain = chain.then(() => (isReady ? this.resubscribe(socket) : undefined));
      }, this.options.refreshMs ?? 5_000);
      const stop = () => socket.close(1000, 'tickflow producer stopping');
      signal.addEventListener('abort', stop, { once: true });
      const fail = (error: FatalFeedError) => {
        fatal = error;
        socket.terminate();
      };
      const becomeReady = async () => {
        isReady = true;
        this.subscribed = new Set();
        this.assembler.reconnected();
        await this.resubscribe(socket);
        log.info({ feed: protocol.name, symbols: [...this.subscribed] }, 'feed connected and subscribed');
      };

      socket.on('unexpected-response', (_request, response) => {
        const status = response.statusCode ?? 0;
        const error = new FatalFeedError(
          `${protocol.name} refused the connection: HTTP ${status}${status === 401 || status === 403 ? ' (check the API key/token)' : ''}`,
        );
        if (status === 401 || status === 403) fail(error);
        else socket.terminate();
      });
      socket.on('open', () => {
        this.stats.connections++;
        lastHeard = Date.now();
        for (const frame of protocol.onOpen()) socket.send(frame);
        if (!protocol.awaitsReady) chain = chain.then(becomeReady);
      });
      socket.on('pong', () => (lastHeard = Date.now()));
      socket.on('message', (data) => {
        lastHeard = Date.now();
        const frame = data.toString();
        chain = chain.then(async () => {
          let messages;
          try {
            messages = protocol.parse(frame);
          } catch (error) {
            this.stats.badFrames++;
            log.warn({ feed: protocol.name, error: (error as Error).message }, 'unreadable frame skipped');
            return;
          }
          for (const message of messages) {
            if (message.type === 'ready') await becomeReady();
            else if (message.type === 'trade') {
              this.stats.trades++;
              await this.perform(this.assembler.trade(message.symbol, message.t, message.price, message.size));
            } else if (message.type === 'bar') {
              this.stats.streamedBars++;
              await this.perform(this.assembler.bar(message.symbol, message.bar));
            } else if (message.type === 'error') {
              this.stats.errorFrames++;
              log.warn({ feed: protocol.name, error: message.message, fatal: message.fatal }, 'feed error frame');
              if (message.fatal) fail(new FatalFeedError(message.message));
            }
          }
          this.stats.lateTrades = this.assembler.lateTrades;
        });
      });
      socket.on('error', (error) => log.warn({ feed: protocol.name, error: error.message }, 'feed socket error'));
      socket.on('close', () => {
        clearInterval(heartbeat);
        clearInterval(refresh);
        signal.removeEventListener('abort', stop);
        // Bars already assembled are handed on before the next connection starts.
        void chain.then(() => (fatal ? reject(fatal) : resolve(isReady)), reject);
      });
    });
  }

  private async resubscribe(socket: WebSocket): Promise<void> {
    let wanted: Set<string>;
    try {
      wanted = new Set(await this.options.symbols());
    } catch (error) {
      this.options.log.warn(
        { error: (error as Error).message },
        'cannot read the symbols to stream; keeping the current ones',
      );
      return;
    }
    const added = [...wanted].filter((s) => !this.subscribed.has(s));
    const removed = [...this.subscribed].filter((s) => !wanted.has(s));
    if (socket.readyState !== WebSocket.OPEN) return;
    if (removed.length) for (const frame of this.options.protocol.unsubscribe(removed)) socket.send(frame);
    if (added.length) for (const frame of this.options.protocol.subscribe(added)) socket.send(frame);
    this.subscribed = wanted;
    this.assembler.subscribed([...wanted]);
    if (added.length || removed.length)
      this.options.log.info({ feed: this.options.protocol.name, added, removed }, 'subscriptions changed');
  }

  private async perform(actions: LiveAction[]): Promise<void> {
    for (const action of actions) {
      if (action.kind === 'emit') {
        this.stats.emittedBars++;
        this.push({ atMs: 0, events: [{ ticker: action.symbol, interval: '1m', bar: action.bar }] });
      } else {
        const bars = await this.fetchUntilDone(action.symbol, action.fromMs, action.toMs);
        if (!bars) return; // stopping: what would follow the gap is not emitted either
        this.stats.backfilledBars += bars.length;
        await this.perform(this.assembler.backfilled(action.symbol, bars));
      }
    }
  }

  /** A gap is fetched until it succeeds (or the producer stops): a REST outage delays bars, never drops them. */
  private async fetchUntilDone(symbol: string, fromMs: number, toMs: number): Promise<Bar[] | undefined> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.options.protocol.fetchBars(symbol, fromMs, toMs);
      } catch (error) {
        if (this.options.signal.aborted) return undefined;
        this.options.log.warn(
          { symbol, fromMs, toMs, attempt, error: (error as Error).message },
          'gap backfill failed; retrying',
        );
        await pause(Math.min(30_000, 500 * 2 ** attempt), this.options.signal);
      }
    }
  }
}
