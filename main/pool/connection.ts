import type { EventEmitter } from 'node:events';
import net from 'node:net';
import pg from 'pg';
import type { Lane } from './lanes.ts';

/**
 * One server connection as the pool sees it: a `pg.Client` plus its state and ages. `pg.Client` keeps the
 * names of the statements it has prepared on that connection, so a replacement connection (after a server
 * restart, a lifetime retirement) prepares them again on first use; nothing here caches them across
 * connections.
 */
export type ConnectionState = 'opening' | 'idle' | 'active' | 'checking' | 'closed';

let nextId = 1;

export interface SessionChange {
  name: string;
  from: string | undefined;
  to: string;
}

/** Reported parameters that change without any statement of ours asking (a standby promoted to primary). */
const CHANGES_BY_THE_SERVER = new Set(['in_hot_standby']);

export class Connection {
  readonly id = nextId++;
  state: ConnectionState = 'opening';
  /** The backend's pid, once connected. */
  pid = 0;
  lane: Lane | undefined;
  acquiredAt = 0;
  lastUsedAt: number;
  /** Settings generation the session has; a stale one is re-SET before use. */
  generation = -1;
  /** Set when the socket broke or the server closed the session: the connection is never handed out again. */
  broken: Error | undefined;
  /** Just checked (or re-SET): handed out without another check however long it then waits. */
  fresh = false;
  /** A query the caller gave up on (timeout, abort) that the connection must finish before it is reused. */
  settling: Promise<unknown> | undefined;
  /** Set once connected: reports after this are changes made by statements. */
  started = false;
  /**
   * The parameters the server reports (GUC_REPORT: ParameterStatus messages), as they were when the session
   * started. Since PostgreSQL 14 `default_transaction_read_only` is one of them, so a statement that switches a
   * read-only session to writable is seen before the next statement is sent.
   */
  readonly startupParameters = new Map<string, string>();
  /** The first reported parameter a statement changed after startup (a read-only pool closes the connection). */
  sessionChange: SessionChange | undefined;

  /** Its one-shot queries run inside BEGIN READ ONLY … COMMIT (decided once, when the pool adopts it). */
  inReadOnlyTransactions = false;

  /** Pipelined queries in flight on it (0 unless it is shared; see pipelining.ts). */
  inFlight = 0;
  /** Its socket holds writes until the end of the tick (pipelining's batching). */
  corked = false;
  /**
   * Last sign of progress (the pool's clock, ms): a result back, or the first query onto an empty pipe. A shared
   * connection with queries in flight and no progress for long is stalled (a lock wait): nobody joins it.
   */
  progressAt = 0;

  /** True when the server tells us if the session's read-only default changes (PostgreSQL 14 and later). */
  get reportsReadOnly(): boolean {
    return this.startupParameters.has('default_transaction_read_only');
  }

  constructor(
    readonly client: pg.Client,
    readonly createdAt: number,
    /** Retire after this age (max lifetime with a little jitter, so connections do not all retire at once). */
    readonly retireAt: number,
  ) {
    this.lastUsedAt = createdAt;
  }
}

/** Adds `-c name=value` startup options to a connection config (read-only sessions are set this way, for free). */
export function withStartupOptions(config: pg.ClientConfig, options: string[]): pg.ClientConfig {
  if (options.length === 0) return config;
  const joined = options.map((o) => `-c ${o}`).join(' ');
  return { ...config, options: config.options ? `${config.options} ${joined}` : joined };
}

/**
 * Cancels whatever the backend is running, with the protocol's CancelRequest (what libpq's PQcancel and
 * pg_cancel_backend(pid) do): a separate short socket carrying the backend's pid and secret key. It needs no
 * pool slot and no privilege, so it works when the pool is saturated. Resolves once the server has closed the
 * socket, i.e. has signalled the backend.
 */
export function sendCancelRequest(client: pg.Client): Promise<void> {
  const internals = client as unknown as { processID: number | null; secretKey: number | null; host: string; port: number };
  if (internals.processID === null || internals.secretKey === null) return Promise.resolve();
  return new Promise((resolve) => {
    const socket = internals.host?.startsWith('/')
      ? net.connect(`${internals.host}/.s.PGSQL.${internals.port}`)
      : net.connect(internals.port, internals.host || 'localhost');
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    };
    const timer = setTimeout(done, 5_000);
    socket.once('connect', () => {
      const message = Buffer.alloc(16);
      message.writeInt32BE(16, 0);
      message.writeInt32BE(80877102, 4); // the CancelRequest code
      message.writeInt32BE(internals.processID!, 8);
      message.writeInt32BE(internals.secretKey!, 12);
      socket.write(message);
    });
    socket.once('close', done);
    socket.once('error', done);
  });
}

/**
 * Connects one pooled connection. `onBroken` runs when the server or the network closes it later (the pool
 * drops it then if it is idle; a busy one is dropped when its caller gives it back).
 */
export async function openConnection(
  config: pg.ClientConfig,
  now: number,
  maxLifetimeMs: number,
  onBroken: (connection: Connection) => void,
): Promise<Connection> {
  const client = new pg.Client(config);
  // Up to 2.5% earlier than the maximum, so connections opened together do not all retire together.
  const connection = new Connection(client, now, now + maxLifetimeMs * (1 - Math.random() * 0.025));
  const broke = (error: Error): void => {
    connection.broken ??= error;
    onBroken(connection);
  };
  client.on('error', broke);
  client.on('end', () => broke(new Error('The server closed the connection.')));
  watchReportedParameters(client, connection);
  await client.connect().catch(async (error: unknown) => {
    await client.end().catch(() => undefined);
    throw error;
  });
  connection.pid = (client as unknown as { processID: number }).processID;
  connection.started = true;
  return connection;
}

/** Records the reported parameters at startup, then the first one a statement changes. */
function watchReportedParameters(client: pg.Client, connection: Connection): void {
  const protocol = (client as unknown as { connection: EventEmitter }).connection;
  protocol.on('parameterStatus', (message: { parameterName: string; parameterValue: string }) => {
    const { parameterName: name, parameterValue: value } = message;
    if (!connection.started) {
      connection.startupParameters.set(name, value);
      return;
    }
    const from = connection.startupParameters.get(name);
    if (from === value || CHANGES_BY_THE_SERVER.has(name)) return;
    connection.sessionChange ??= { name, from, to: value };
  });
}
