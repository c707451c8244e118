import os from 'node:os';
import type pg from 'pg';
import type { Connection } from './connection.ts';
import type { Lane } from './lanes.ts';
import { SHORT_STATEMENT_MS, type PipelineEligibility } from './pipeline-eligibility.ts';
import { batchWrites, DEFAULT_PIPELINE_DEPTH, SharedConnections, stalledAfterMs } from './pipelining.ts';
import type { PoolManagerOptions } from './pool-options.ts';
import type { QueryConfig } from './pooled-connection.ts';
import { inPipelinedReadOnlyTransaction } from './read-only-guard.ts';
import type { StatementRunner } from './statement-runner.ts';

type PipeliningOptions = Pick<PoolManagerOptions, 'readOnly' | 'readOnlyTransactions' | 'pipelineDepth' | 'pipelineShortMs' | 'cores'>;

/** Most queries in flight on one connection (1: no pipelining). */
export function pipelineDepthOf(options: PipeliningOptions): number {
  return Math.max(1, Math.floor(options.pipelineDepth ?? DEFAULT_PIPELINE_DEPTH));
}

/**
 * What the shared-connection path needs from its pool: narrow, so this file knows nothing of waiters, sizing or
 * settings. The pool passes an object of arrow functions made once (no closure per query).
 */
export interface SharedPathHost {
  clock(): number;
  /** May a pipelined caller of `lane` join its lane's shared connection rather than wait its turn? (false once closed) */
  mayJoin(lane: Lane): boolean;
  /** Would `take(lane)` hand the lane an idle connection now? */
  idleFor(lane: Lane): boolean;
  /** The session settings' generation in force: a connection with another drains and goes back to be re-SET. */
  generation(): number;
  /** A connection as any caller gets one (idle, or waited for), checked out to `lane`. */
  take(lane: Lane): Connection | Promise<Connection>;
  /** The last query on a shared connection finished: back to the pool. */
  giveBack(connection: Connection): void;
}

/**
 * The pool's shared-connection path (pipelining, see pipelining.ts): which connection a pipelined query goes on,
 * sending it, and giving the connection back when the last query on it is done. Apart from the pool manager so
 * that the manager's own hot path (one connection per caller) stays short; the queries that come here are the
 * named one-shot statements `accepts` allows, 50,000 a second in the pool bench, so nothing here allocates per
 * query beyond its own promise (and a callback when it has to wait for a connection).
 */
export class SharedPath {
  private readonly sharing: SharedConnections;
  /** A shared connection without progress this long takes no more queries (see `stalledAfterMs` in pipelining.ts). */
  private readonly stalledAfterMs: number;
  /** False in a pool with depth 1: it never shares a connection. */
  readonly enabled: boolean;
  /** A read-only pool: a query sent behind others runs in its own READ ONLY transaction (read-only-guard.ts). */
  private readonly readOnly: boolean;

  constructor(
    private readonly host: SharedPathHost,
    /** Runs each query (called directly: the hot path's one hop). */
    private readonly runner: Pick<StatementRunner, 'execute'>,
    private readonly eligibility: PipelineEligibility,
    options: PipeliningOptions,
  ) {
    const depth = pipelineDepthOf(options);
    this.readOnly = options.readOnly === true;
    // A read-only pool joins only when no idle connection is to be had: a query behind others costs it a BEGIN and a
    // COMMIT more (see `run`), less than waiting for a connection but more than a connection of its own.
    const spread = this.readOnly ? Infinity : Math.max(1, options.cores ?? os.availableParallelism());
    this.sharing = new SharedConnections(depth, spread);
    this.stalledAfterMs = stalledAfterMs(depth, options.pipelineShortMs ?? SHORT_STATEMENT_MS);
    this.enabled = depth > 1;
  }

  /** A named one-shot statement that pipeline-eligibility.ts allows now (its kind, and short recently). */
  accepts(query: QueryConfig): boolean {
    return this.enabled && query.name !== undefined && query.name !== '' && this.eligibility.allows(query.name, query.text);
  }

  /** Runs one pipelined query; the last one out gives the connection back (in pg's one-at-a-time mode again). */
  async query(lane: Lane, query: QueryConfig): Promise<pg.QueryResult> {
    const taken = this.connectionFor(lane, query.name!);
    const connection = taken instanceof Promise ? await taken : taken;
    const behind = this.send(connection);
    try {
      return await this.run(connection, query, behind);
    } finally {
      this.finish(connection);
    }
  }

  /**
   * `query`, with how long the caller waited (`acquireUs`) and how long the server took (`serverUs`), in µs. A
   * connection's queries run one after another on its backend, so this one's server time starts when the server
   * could start on it: at its send, or, with queries ahead of it, when the result of the last of them came back.
   * Its time behind them is waiting, as it would have been in the queue for a connection of its own; so the two
   * still add up to the caller's time, and a query behind a slow one does not look slow itself. (Results read
   * together come back at one moment: then the first of them carries the batch's server time, the rest almost
   * none; summed over a connection the server times stay its busy time.)
   */
  async timedQuery(
    lane: Lane,
    query: QueryConfig,
    asked: number,
  ): Promise<{ result: pg.QueryResult; acquireUs: number; serverUs: number }> {
    const taken = this.connectionFor(lane, query.name!);
    const connection = taken instanceof Promise ? await taken : taken;
    const sent = this.host.clock();
    const behind = this.send(connection);
    let result: pg.QueryResult;
    try {
      result = await this.run(connection, query, behind);
    } catch (error) {
      this.finish(connection);
      throw error;
    }
    // Results come back in order: the last progress before this result is the result just ahead of it (or, on an
    // empty pipe, its own send).
    const previous = connection.progressAt;
    this.finish(connection);
    const started = previous > sent ? previous : sent;
    return { result, acquireUs: (started - asked) * 1000, serverUs: (connection.progressAt - started) * 1000 };
  }

  /**
   * A connection for a pipelined query: a shared one of the lane with room (see SharedConnections.join), else one
   * taken as usual (idle, or waited for) and shared from then on. While callers queue for a connection, the lanes
   * decide whether joining would pass them unfairly (LaneQueue.mayJoin): then nobody of the lane joins, so its
   * shared connections drain and come back to them.
   */
  private connectionFor(lane: Lane, name: string): Connection | Promise<Connection> {
    if (this.host.mayJoin(lane)) {
      const joined = this.sharing.join(lane, name, this.host.idleFor(lane), this.current);
      if (joined) return joined;
    }
    const taken = this.host.take(lane);
    return taken instanceof Promise ? taken.then((connection) => this.sharing.add(connection)) : this.sharing.add(taken);
  }

  /**
   * Behind a query already on the wire this one cannot start before the end of the tick anyway: hold it for the
   * batch. The first on an empty pipe leaves at once (a lone caller pays nothing for the batching). True when it
   * goes behind others.
   */
  private send(connection: Connection): boolean {
    const behind = connection.inFlight > 0;
    if (behind) batchWrites(connection);
    else connection.progressAt = this.host.clock();
    connection.inFlight += 1;
    return behind;
  }

  /**
   * On a read-only pool's connection, a query behind others is past the point where the guard could see what they
   * did to the session: it runs in its own READ ONLY transaction, as every query does on a connection with the
   * fallback (read-only-guard.ts).
   */
  private run(connection: Connection, query: QueryConfig, behind: boolean): Promise<pg.QueryResult> {
    if (connection.inReadOnlyTransactions || (behind && this.readOnly)) {
      return inPipelinedReadOnlyTransaction(connection, () => this.runner.execute(connection, query));
    }
    return this.runner.execute(connection, query);
  }

  /** Its result (or error) is back: progress on the connection (see `current`); the last one out gives it back. */
  private finish(connection: Connection): void {
    connection.progressAt = this.host.clock();
    if (this.sharing.finished(connection)) this.host.giveBack(connection);
  }

  /** May a shared connection take more queries? Not if broken, outdated (settings), old or stalled: it drains and goes back through giveBack. */
  private readonly current = (connection: Connection): boolean => {
    const now = this.host.clock();
    return (
      !connection.broken &&
      connection.generation === this.host.generation() &&
      now < connection.retireAt &&
      now - connection.progressAt < this.stalledAfterMs
    );
  };
}
