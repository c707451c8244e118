import type net from 'node:net';
import type pg from 'pg';
import type { Connection } from './connection.ts';
import type { Lane } from './lanes.ts';

/**
 * Pipelining: several one-shot queries in flight on one connection, as the extended protocol allows. Each query
 * is Parse/Bind/Describe/Execute/Sync, so each is its own implicit transaction: an error skips only to its own
 * Sync and the queries behind it run and answer normally. The pool packs such queries onto a few connections
 * (spread over the server's cores first, then up to `pipelineDepth` each) instead of one connection per query,
 * and holds a query sent behind others already on the wire until the end of the tick, so the queries sent
 * together leave in one write and their results come back in few reads (a syscall per query was the largest
 * single cost left in a CPU profile of the client). On a 2-core machine at 32 callers this is what closes most of the gap
 * to `pgbench -S -M prepared`: the Node client's CPU per query, not the server, is the limit (`npm run bench --
 * pool`, the hotpath rows against hotpath without pipelining).
 *
 * Only named prepared statements that pipeline-eligibility.ts allows are pipelined: one plain read or write (by
 * PostgreSQL's parser), which cannot open a transaction for the queries behind it, and short recently, so that
 * nobody waits long behind it. A checked-out connection, a transaction, COPY, cursors and a call with a timeout or a
 * signal (a cancel would hit whichever query the backend is running) keep a connection to themselves, in pg's ordinary
 * one-at-a-time mode. In a read-only pool a query behind others runs in its own READ ONLY transaction, written with
 * it (read-only-guard.ts: the guard cannot see what the statements ahead did to the session before it is sent).
 *
 * The price is head-of-line blocking: a query waits for those ahead of it on its connection, at most
 * `pipelineDepth - 1` of them, each short, and only of its own lane (lanes never share a connection).
 */

/**
 * Pipelined queries per connection by default. At 32 callers on 2 cores (`npm run bench -- pool`), 16 in flight
 * on 2 connections beat 8 on 4 and 4 on 8 (fewer, fuller batches: less client CPU per query) and matched 32 on
 * one; 16 also bounds how many queries can wait behind a slow one.
 */
export const DEFAULT_PIPELINE_DEPTH = 16;

/**
 * How long a shared connection may go without progress (a result back) before nobody joins it: a full pipe of
 * short statements drains in `depth × shortMs`, so longer means one is stuck (a lock wait, a plan gone bad), and
 * queries queued behind it would wait as long. At least 100 ms, so that a busy client's late reads (event-loop
 * delay) do not pass for a stall.
 */
export function stalledAfterMs(depth: number, shortMs: number): number {
  return Math.max(100, depth * shortMs);
}

interface ClientInternals {
  pipeline: boolean;
  connection: { stream: net.Socket; parsedStatements: Record<string, string>; submittedNamedStatements: Record<string, string> };
}

/**
 * May this named statement join the queries in flight on the connection? Not while another query's Parse of it
 * is still unanswered: pg would send this one as Bind only, and if that Parse failed this query would fail with
 * "prepared statement does not exist" instead of its own result.
 */
export function mayJoin(connection: Connection, name: string): boolean {
  const protocol = (connection.client as unknown as ClientInternals).connection;
  return protocol.parsedStatements[name] !== undefined || protocol.submittedNamedStatements[name] === undefined;
}

/**
 * Switches pg's pipeline mode (pg 8.23's `pipeline` client option, read on every send) for a connection with
 * nothing in flight: on when it starts being shared, off when it is given back, so a checked-out connection
 * behaves exactly as without pipelining.
 */
export function setPipelineMode(client: pg.Client, on: boolean): void {
  (client as unknown as ClientInternals).pipeline = on;
}

/** Holds the connection's writes until the end of this tick, so the queries sent in it leave in one write. */
export function batchWrites(connection: Connection): void {
  if (connection.corked) return;
  connection.corked = true;
  (connection.client as unknown as ClientInternals).connection.stream.cork();
  process.nextTick(uncork, connection);
}

function uncork(connection: Connection): void {
  connection.corked = false;
  (connection.client as unknown as ClientInternals).connection.stream.uncork();
}

/**
 * The connections pipelined queries share, per lane: few (the spread, or callers ÷ depth), so a scan is cheap.
 * Lanes never share a connection, so a slow low-lane query cannot hold up high-lane lookups queued behind it.
 */
export class SharedConnections {
  private readonly byLane: Record<Lane, Connection[]> = { high: [], normal: [], low: [] };

  constructor(
    /** Most queries in flight on one connection. */
    readonly depth: number,
    /**
     * Connections a lane shares before its queries queue deeper on one (the server's cores): a connection's
     * queries run one after another on one backend, so fewer connections than cores would idle the server's cores
     * when the statements are not cheap.
     */
    private readonly spread: number,
  ) {}

  /**
   * The lane's shared connection with the fewest in flight that has room for this statement, once the lane
   * shares `spread` connections or no idle one is to be had; undefined: take a connection as usual. `current`
   * says whether a connection may take more (a broken, outdated or old one drains and goes back instead).
   */
  join(lane: Lane, name: string, idleAvailable: boolean, current: (connection: Connection) => boolean): Connection | undefined {
    const shared = this.byLane[lane];
    if (shared.length === 0 || (shared.length < this.spread && idleAvailable)) return undefined;
    let best: Connection | undefined;
    for (let i = 0; i < shared.length; i++) {
      const connection = shared[i]!;
      if (connection.inFlight >= this.depth || (best && connection.inFlight >= best.inFlight)) continue;
      if (current(connection) && mayJoin(connection, name)) best = connection;
    }
    return best;
  }

  /** A connection just checked out for a pipelined query: others of its lane may join it from now on. */
  add(connection: Connection): Connection {
    setPipelineMode(connection.client, true);
    this.byLane[connection.lane!].push(connection);
    return connection;
  }

  /** One query on it finished; true when it was the last: the connection is no longer shared and goes back. */
  finished(connection: Connection): boolean {
    connection.inFlight -= 1;
    if (connection.inFlight > 0) return false;
    const shared = this.byLane[connection.lane!];
    const at = shared.indexOf(connection);
    if (at >= 0) shared.splice(at, 1);
    setPipelineMode(connection.client, false);
    return true;
  }
}
