import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Engine } from '../../main/engine/engine.ts';
import { bridgeContract } from './ws-contract-bridge.ts';

export interface HeadlessServerOptions {
  engine: Engine;
  /** 0 picks a free port. */
  port: number;
  /** The per-launch secret every WebSocket client must present; generated when absent. */
  token?: string;
}

export interface HeadlessServer {
  port: number;
  token: string;
  /** Base URL, e.g. http://127.0.0.1:7300 */
  url: string;
  /** The contract's WebSocket URL, token included. */
  wsUrl: string;
  close(): Promise<void>;
}

/**
 * The headless host: `/healthz`, Prometheus `/metrics`, and the contract over a
 * WebSocket at `/ws?token=...`. Binds to 127.0.0.1 only: the console is for this machine.
 */
export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  wss.on('connection', (socket) => bridgeContract(socket, options.engine));

  const server = createServer((req, res) => {
    void route(options.engine, req, res);
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/ws' || !sameSecret(url.searchParams.get('token') ?? '', token)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\n\r\nA valid ?token= is required: use the URL hotpath printed at start.\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    port,
    token,
    url,
    wsUrl: `ws://127.0.0.1:${port}/ws?token=${token}`,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function route(engine: Engine, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'Only GET is served here.\n');
  if (path === '/healthz') {
    const status = engine.status();
    const body = JSON.stringify({ status: status.phase, error: status.error });
    return send(res, status.phase === 'ready' ? 200 : 503, 'application/json', body);
  }
  if (path === '/metrics') {
    try {
      return send(res, 200, engine.metrics.contentType, await engine.metrics.text());
    } catch (error) {
      return send(res, 500, 'text/plain', `Metrics failed: ${(error as Error).message}\n`);
    }
  }
  return send(res, 404, 'text/plain', 'Not found. Served here: /healthz, /metrics, and the contract at /ws?token=...\n');
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
