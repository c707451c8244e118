import os from 'node:os';
import pg from 'pg';

export interface WorkloadPoolOptions {
  /** Connections; by default twice the local cores plus two, the usual starting point. */
  size?: number;
  /** Server-side statement timeout for workload queries, in ms. */
  statementTimeoutMs?: number;
  /** How long a request may wait for a free connection before it fails, in ms. */
  acquireTimeoutMs?: number;
}

export function defaultWorkloadPoolSize(): number {
  return os.availableParallelism() * 2 + 2;
}

/**
 * The pool the workload runs on. Its sessions are read-only at the server
 * (`default_transaction_read_only`), so a profile's template can never write, whatever
 * its SQL says. The full pool manager (lanes, sizing, metrics) replaces this later.
 */
export function createWorkloadPool(connection: pg.ClientConfig, options: WorkloadPoolOptions = {}): pg.Pool {
  const settings = [
    '-c default_transaction_read_only=on',
    `-c statement_timeout=${Math.round(options.statementTimeoutMs ?? 30_000)}`,
    '-c application_name=hotpath-workload',
  ].join(' ');
  return new pg.Pool({
    ...connection,
    options: connection.options ? `${connection.options} ${settings}` : settings,
    max: options.size ?? defaultWorkloadPoolSize(),
    connectionTimeoutMillis: options.acquireTimeoutMs ?? 10_000,
    idleTimeoutMillis: 60_000,
  });
}
