import type pg from 'pg';
import type { Connection } from './connection.ts';
import type { Lane } from './lanes.ts';
import { PoolError } from './pool-errors.ts';

export interface QueryConfig {
  /** A name makes it a prepared statement: parsed once per connection, then only bound and executed. */
  name?: string;
  text: string;
  values?: unknown[];
  /** Rows as arrays of values in column order, not objects keyed by column name. */
  rowMode?: 'array';
  /** How each column's text becomes a value (default: pg's parsers: numbers, Dates, JSON…). */
  types?: pg.CustomTypesConfig;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Overall limit for this call, in ms: waiting for a connection and (for query) running it. */
  timeoutMs?: number;
}

/** What a checked-out connection needs from its pool (an interface, so this file does not import the pool). */
export interface ConnectionOwner {
  /** One statement, inside its own READ ONLY transaction where the pool's read-only guard needs one. */
  executeOneShot(connection: Connection, query: QueryConfig, options?: CallOptions): Promise<pg.QueryResult>;
  giveBack(connection: Connection, error?: unknown): void;
}

/** A connection checked out by `acquire()`; give it back with `release()` (with the error if it broke). */
export class PooledConnection {
  private released = false;

  constructor(
    private readonly pool: ConnectionOwner,
    private readonly connection: Connection,
    readonly lane: Lane,
  ) {}

  /** The server backend's pid. */
  get pid(): number {
    return this.connection.pid;
  }

  query(query: QueryConfig, options?: CallOptions): Promise<pg.QueryResult> {
    if (this.released)
      return Promise.reject(
        new PoolError('pool-closed', 'This connection was already released to the pool.', 'Acquire a new one for further queries.'),
      );
    // The same path as the pool's own queries, so the read-only fallback (servers before 14) covers it too.
    return this.pool.executeOneShot(this.connection, query, options);
  }

  release(error?: Error): void {
    if (this.released) return;
    this.released = true;
    this.pool.giveBack(this.connection, error);
  }
}
