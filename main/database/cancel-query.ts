import type pg from 'pg';
import { ContractError } from '../contract/api.ts';

interface BackendRow {
  database: string | null;
  backend_type: string | null;
  current_database: string;
  is_self: boolean;
}

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Cancels the running query of one client connection to the current database (pg_cancel_backend: the query
 * fails, the connection stays). Other pids are refused: background workers, connections to other databases
 * and pids that do not exist are not ours to touch from this view. The check and the cancel are one
 * statement, so a pid cannot be swapped for another in between.
 */
export async function cancelQuery(db: pg.Pool, pid: number): Promise<{ cancelled: boolean }> {
  // One connection for both statements, so that pg_backend_pid() means the same in each.
  const client = await db.connect();
  try {
    return await cancelOn(client, pid);
  } finally {
    client.release();
  }
}

async function cancelOn(client: pg.PoolClient, pid: number): Promise<{ cancelled: boolean }> {
  let rows: Array<{ cancelled: boolean }>;
  try {
    ({ rows } = await client.query<{ cancelled: boolean }>(
      `SELECT pg_cancel_backend(pid) AS cancelled
         FROM pg_stat_activity
        WHERE pid = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'
          AND datid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [pid],
    ));
  } catch (error) {
    if (sqlState(error) === '42501') {
      throw new ContractError(
        'permission-denied',
        `PostgreSQL refused to cancel the query of pid ${pid}: ${(error as Error).message}.`,
        'Connect as the role that runs the query (or a member of it), or have a superuser GRANT pg_signal_backend TO your role.',
      );
    }
    throw error;
  }
  const first = rows[0];
  if (first) return { cancelled: first.cancelled };
  throw await refusal(client, pid);
}

/** Says why a pid was not cancelled: it does not exist, or it is not a client of this database. */
async function refusal(client: pg.PoolClient, pid: number): Promise<ContractError> {
  const { rows } = await client.query<BackendRow>(
    `SELECT current_database() AS current_database, a.datname AS database, a.backend_type, a.pid = pg_backend_pid() AS is_self
       FROM (SELECT 1) one LEFT JOIN pg_stat_activity a ON a.pid = $1`,
    [pid],
  );
  const row = rows[0];
  const current = row?.current_database ?? 'this database';
  if (!row || row.backend_type === null) {
    return new ContractError(
      'no-such-backend',
      `No connection with pid ${pid} exists on the server (its query may have finished and the connection closed).`,
      'Refresh the activity list and pick a connection from it.',
    );
  }
  if (row.is_self) {
    return new ContractError(
      'not-cancellable',
      `Hotpath does not cancel pid ${pid}: it is Hotpath's own connection, the one running this request.`,
      'Pick another connection from the activity list.',
    );
  }
  const what =
    row.backend_type !== 'client backend'
      ? `a ${row.backend_type}, not a client connection`
      : `connected to database "${row.database ?? '?'}", not "${current}"`;
  return new ContractError(
    'not-cancellable',
    `Hotpath does not cancel pid ${pid}: it is ${what}.`,
    `Only queries of client connections to "${current}" (the database Hotpath is connected to) can be cancelled here.`,
  );
}
