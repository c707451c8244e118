import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Engine } from '../../main/engine/index.ts';
import type { EngineStatus } from '../../main/contract/status.ts';
import { ContractError } from '../../main/contract/api.ts';
import { DEFAULT_BRIDGE_LIMITS, SharedInFlight, bridgeContract, type BridgeLimits } from './ws-contract-bridge.ts';
import { CONSOLE_CSP, RENDERER_DIR, readRendererAsset, rendererIsBuilt } from './renderer-assets.ts';

export interface HeadlessServerOptions {
  engine: Engine;
  /** 0 picks a free port. */
  port: number;
  /** The per-launch secret every WebSocket client must present; generated when absent. */
  token?: string;
  /** The built console UI to serve at `/` (default: out/renderer). */
  rendererDir?: string;
  /** Per-connection bounds (requests in flight, bytes queued for a slow reader); see DEFAULT_BRIDGE_LIMITS. */
  clientLimits?: Partial<BridgeLimits>;
  /** WebSocket clients connected at once (default DEFAULT_MAX_CLIENTS); past it the upgrade is refused with 503. */
  maxClients?: number;
  /** Requests in flight across all clients (default DEFAULT_MAX_IN_FLIGHT_TOTAL); more are refused with too-many-requests. */
  maxInFlightTotal?: number;
  /** Told when a client's connection is closed for what it sent or did not read (default: a line on stderr). */
  onClientProblem?: (reason: string) => void;
}

/** Largest frame a client may send; the contract's requests are small, so 1 MiB is generous. ws closes with 1009 past it. */
export const MAX_FRAME_BYTES = 1024 * 1024;

/**
 * Each client may hold requests in flight and replies buffered (see BridgeLimits), so the number of clients is what
 * bounds the server's total: a console or two, and scripts, are well inside it.
 */
export const DEFAULT_MAX_CLIENTS = 32;

/** Work the engine is asked to queue at once, whoever asks: a few clients' worth of the per-client limit. */
export const DEFAULT_MAX_IN_FLIGHT_TOTAL = 4 * DEFAULT_BRIDGE_LIMITS.maxInFlight;

export interface HeadlessServer {
  port: number;
  token: string;
  /** Base URL, e.g. http://127.0.0.1:7300 */
  url: string;
  /** The contract's WebSocket URL, token included. */
  wsUrl: string;
  /** The console in a browser, token included (opening it is enough), or null when the UI is not built. */
  consoleUrl: string | null;
  close(): Promise<void>;
}

/**
 * The headless host: `/healthz`, Prometheus `/metrics`, and the contract over a
 * WebSocket at `/ws?token=...`. Binds to 127.0.0.1 only: the console is for this machine.
 */
export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const maxClients = options.maxClients ?? DEFAULT_MAX_CLIENTS;
  if (!Number.isSafeInteger(maxClients) || maxClients < 1) {
    throw new RangeError(`maxClients must be a positive integer; got ${String(options.maxClients)}.`);
  }
  const token = options.token ?? randomBytes(24).toString('base64url');
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const onClientProblem =
    options.onClientProblem ?? ((reason: string) => process.stderr.write(`hotpath: a WebSocket client was refused: ${reason}\n`));
  const shared = new SharedInFlight(options.maxInFlightTotal ?? DEFAULT_MAX_IN_FLIGHT_TOTAL);
  wss.on('connection', (socket) =>
    bridgeContract(socket, options.engine, {
      ...(options.clientLimits ? { limits: options.clientLimits } : {}),
      shared,
      onClientProblem,
    }),
  );

  let clients = 0;
  const rendererDir = options.rendererDir ?? RENDERER_DIR;
  const server = createServer((req, res) => {
    void route(options.engine, rendererDir, req, res);
  });
  server.on('upgrade', (req, socket, head) => {
    // A client that resets the connection before (or instead of) the handshake must not crash the process;
    // once upgraded, the bridge handles the socket's errors.
    socket.on('error', (error) => onClientProblem(`connection error before the handshake: ${error.message}`));
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // Browsers always send Origin: a page from anywhere but this server may not connect,
    // even if it somehow had the token. Node clients (tests, CLI) send none.
    const origin = req.headers.origin;
    if (origin !== undefined && !isOwnOrigin(origin, server)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n\r\nCross-origin WebSocket refused.\n');
      return;
    }
    if (url.pathname !== '/ws' || !sameSecret(url.searchParams.get('token') ?? '', token)) {
      socket.end(
        'HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\n\r\nA valid ?token= is required: use the URL hotpath printed at start.\n',
      );
      return;
    }
    // Counted from the accepted upgrade until its TCP connection closes, so handshakes under way count too.
    if (clients >= maxClients) {
      onClientProblem(`${clients} clients are connected already (at most ${maxClients})`);
      socket.end(
        `HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nRetry-After: 5\r\n\r\n${maxClients} WebSocket clients are connected already (the most this server accepts). Close another console or script connected to it, then retry.\n`,
      );
      return;
    }
    clients += 1;
    socket.once('close', () => {
      clients -= 1;
    });
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new ContractError(
              'port-in-use',
              `Port ${options.port} on 127.0.0.1 is already in use (another hotpath?).`,
              'Stop the other program, or choose another port with --port (0 picks a free one).',
            )
          : error,
      );
    });
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    port,
    token,
    url,
    wsUrl: `ws://127.0.0.1:${port}/ws?token=${token}`,
    consoleUrl: rendererIsBuilt(rendererDir) ? `${url}/?token=${token}` : null,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function route(engine: Engine, rendererDir: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'Only GET is served here.\n');
  if (path === '/healthz') {
    const { status, code } = healthOf(engine.status());
    return send(res, code, 'application/json', JSON.stringify(status));
  }
  if (path === '/metrics') {
    try {
      return send(res, 200, engine.metrics.contentType, await engine.metrics.text());
    } catch (error) {
      return send(res, 500, 'text/plain', `Metrics failed: ${(error as Error).message}\n`);
    }
  }
  const asset = await readRendererAsset(path, rendererDir);
  if (asset) {
    res.writeHead(200, {
      'Content-Type': asset.contentType,
      'Content-Security-Policy': CONSOLE_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    });
    res.end(asset.body);
    return;
  }
  if (path === '/') {
    return send(res, 503, 'text/plain', 'The console UI is not built: run `npm run build:renderer` (npm ci does it), then reload.\n');
  }
  return send(res, 404, 'text/plain', 'Not found. Served here: the console at /, /healthz, /metrics, and the contract at /ws?token=...\n');
}

/**
 * `/healthz`: 200 `ready` when PostgreSQL answers; 200 `degraded` when only Redis does not (the cache reads
 * through to PostgreSQL, so requests are still served, slower); 503 `unready` when PostgreSQL does not, and 503
 * with the phase (`disconnected`, `connecting`, `failed`, ...) when no stack is in use.
 */
export function healthOf(engineStatus: EngineStatus): { status: Record<string, unknown>; code: number } {
  const { phase, health, error } = engineStatus;
  if (phase !== 'ready' || !health) return { status: { status: phase, error }, code: 503 };
  const parts = { postgres: health.postgres, redis: health.redis, problem: health.problem, since: health.since };
  if (health.postgres === 'down') return { status: { status: 'unready', ...parts }, code: 503 };
  return { status: { status: health.redis === 'down' ? 'degraded' : 'ready', ...parts }, code: 200 };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

function isOwnOrigin(origin: string, server: HttpServer): boolean {
  const port = (server.address() as AddressInfo).port;
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
