import type pg from 'pg';
import type { Gradient2Limit } from './adaptive-limit.ts';
import { cancellable } from './cancellable.ts';
import type { Connection } from './connection.ts';
import { withEncodedValues } from './parameter-encoding.ts';
import type { PipelineEligibility } from './pipeline-eligibility.ts';
import { PoolError, isConnectionError } from './pool-errors.ts';
import type { PoolMetrics } from './pool-metrics.ts';
import type { CallOptions, QueryConfig } from './pooled-connection.ts';
import { inReadOnlyTransaction, sessionChangedError } from './read-only-guard.ts';

/** What running a statement needs from its pool (only adaptive pools call it). */
export interface StatementRunnerHost {
  /** Connections checked out now: the adaptive limiter's sample is taken against it. */
  inUseTotal(): number;
  /** The adaptive limit moved: the lanes' caps follow it. */
  limitChanged(): void;
}

/**
 * Runs one statement on a connection the caller holds (alone, or shared by pipelining): the pool's query metrics,
 * the adaptive limiter's sample, the caller's cancel, the read-only guard, and whether an error broke the
 * connection. Apart from the pool manager, which decides who gets a connection; this decides nothing about that.
 */
export class StatementRunner {
  /** The adaptive concurrency limit, for pools that have one (set once the pool knows its size). */
  limiter: Gradient2Limit | undefined;

  constructor(
    private readonly clock: () => number,
    private readonly metrics: PoolMetrics,
    /** Times statements for pipelining (pipeline-eligibility.ts); undefined: a pool that never pipelines times nothing. */
    private readonly eligibility: PipelineEligibility | undefined,
    /** A read-only pool closes a connection whose session a statement changed (read-only-guard.ts). */
    private readonly readOnly: boolean,
    private readonly host: StatementRunnerHost,
  ) {}

  /** A query/timedQuery/PooledConnection statement: in its own READ ONLY transaction where the server cannot report a switch. */
  executeOneShot(connection: Connection, query: QueryConfig, options?: CallOptions & { limitMs?: number }): Promise<pg.QueryResult> {
    if (!connection.inReadOnlyTransactions) return this.execute(connection, query, options);
    return inReadOnlyTransaction(connection, () => this.execute(connection, query, options));
  }

  /** Runs a query on a checked-out connection; a caller's timeout or abort cancels it on the server. */
  async execute(connection: Connection, query: QueryConfig, options?: CallOptions & { limitMs?: number }): Promise<pg.QueryResult> {
    if (connection.broken) throw connection.broken;
    // A value pg cannot encode fails this call here, before anything is sent (see parameter-encoding.ts).
    const sent = query.values === undefined ? query : withEncodedValues(query);
    const started = this.clock();
    this.metrics.meter.change(started, 0, 1, 0);
    this.metrics.counters.queries += 1;
    const inFlight = this.limiter ? this.host.inUseTotal() : 0;
    // Timed for pipelining only when nothing was ahead of it on the connection: behind others, the client cannot
    // tell its own server time (results read together look instant).
    const timed = this.eligibility !== undefined && connection.inFlight <= 1 && query.name !== undefined && query.name !== '';
    try {
      const promise = connection.client.query(sent as pg.QueryConfig) as Promise<pg.QueryResult>;
      const result =
        options?.signal || options?.timeoutMs !== undefined
          ? await cancellable(connection, promise, options, () => (this.metrics.counters.cancellations += 1))
          : await promise;
      if (connection.sessionChange && this.readOnly) throw this.sessionChanged(connection);
      if (this.limiter) {
        const before = this.limiter.limit;
        if (this.limiter.sample(this.clock() - started, inFlight) !== before) this.host.limitChanged();
      }
      return result;
    } catch (error) {
      if (!(error instanceof PoolError)) this.metrics.counters.errors += 1;
      if (isConnectionError(error)) connection.broken ??= error as Error;
      if (connection.sessionChange && this.readOnly && !connection.broken) throw this.sessionChanged(connection);
      throw error;
    } finally {
      const ended = this.clock();
      this.metrics.meter.change(ended, 0, -1, 0);
      if (timed) this.eligibility!.record(query.name!, query.text, ended - started);
    }
  }

  /** Marks the connection for closing (giveBack destroys it) and says which parameter the statement changed. */
  private sessionChanged(connection: Connection): PoolError {
    const error = sessionChangedError(connection);
    connection.broken ??= error;
    return error;
  }
}
