import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { TradeTape, type Trade } from './trade-tape';

export interface FakeClient {
  socket: WebSocket;
  authenticated: boolean;
  trades: Set<string>;
  bars: Set<string>;
}

/**
 * Plumbing shared by the fake providers: one HTTP server on 127.0.0.1 carrying the websocket
 * and the REST API, a trade tape, and the knobs tests turn (drop every connection, refuse the
 * next ones, inject frames).
 */
export abstract class FakeFeedServer {
  readonly tape: TradeTape;
  readonly clients = new Set<FakeClient>();
  readonly received: string[] = [];
  connectionsAccepted = 0;
  protected refuseNext = 0;
  private readonly http = http.createServer((req, res) =>
    this.handleRest(new URL(req.url ?? '/', 'http://fake'), req, res),
  );
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor(symbols: readonly string[], tapeOptions: Partial<TradeTape['options']> = {}) {
    this.tape = new TradeTape(symbols, {
      start: Date.parse('2024-03-01T14:30:00Z'),
      seed: 7,
      tickMs: 20,
      virtualMsPerTick: 5_000,
      tradesPerTick: 2,
      ...tapeOptions,
    });
    this.http.on('upgrade', (req, socket, head) => {
      const refusal = this.refuseUpgrade(new URL(req.url ?? '/', 'http://fake'));
      if (refusal) {
        socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\n\r\n`);
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
  }

  async listen(): Promise<{ wsUrl: string; restUrl: string }> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    const { port } = this.http.address() as AddressInfo;
    this.tape.start((trades, closed) => this.onTick(trades, closed));
    return { wsUrl: `ws://127.0.0.1:${port}${this.wsPath}`, restUrl: `http://127.0.0.1:${port}` };
  }

  async close(): Promise<void> {
    this.tape.stop();
    for (const client of this.clients) client.socket.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  /** The network fails under every client at once (no close frame). */
  dropConnections(): void {
    for (const client of this.clients) client.socket.terminate();
  }

  /** The next `n` connections are refused by the protocol's "too many connections" error. */
  refuse(n: number): void {
    this.refuseNext = n;
  }

  broadcast(frame: string): void {
    for (const client of this.clients) client.socket.send(frame);
  }

  protected abstract readonly wsPath: string;
  protected abstract refuseUpgrade(url: URL): string | undefined;
  protected abstract greet(client: FakeClient): void;
  protected abstract onFrame(client: FakeClient, frame: string): void;
  protected abstract onTick(trades: Trade[], closedMinutes: number[]): void;
  protected abstract handleRest(url: URL, req: http.IncomingMessage, res: http.ServerResponse): void;

  protected json(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private accept(socket: WebSocket): void {
    this.connectionsAccepted++;
    const client: FakeClient = { socket, authenticated: false, trades: new Set(), bars: new Set() };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    socket.on('error', () => this.clients.delete(client));
    socket.on('message', (data) => {
      const frame = data.toString();
      this.received.push(frame);
      this.onFrame(client, frame);
    });
    this.greet(client);
  }
}
