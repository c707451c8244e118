import type pg from 'pg';
import { ContractError } from '../contract/api.ts';
import { quoteIdent } from '../sql/identifiers.ts';
import { OUR_APPLICATION_PREFIX } from './activity.ts';

/**
 * Terminates one client connection to the current database (pg_terminate_backend: its transaction rolls back and
 * the connection closes), the step after cancelling its query (cancel-query.ts) when the session holds locks while
 * idle in transaction. Refused, with the reason: pids that do not exist, background processes, connections to other
 * databases, and Hotpath's own connections (application_name `hotpath…`): terminating the engine's pooled
 * connections would fail its in-flight work and make its pools re-emit errors; cancel or disconnect those instead.
 * Another role's connection needs pg_signal_backend (a superuser's, a superuser), as for cancelling.
 * On PostgreSQL 14+ it waits up to TERMINATE_WAIT_MS for the backend to be gone, so `terminated` means it has ended.
 */

const TERMINATE_WAIT_MS = 5_000;

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export async function terminateBackend(db: pg.Pool, pid: number): Promise<{ terminated: boolean }> {
  // One connection for every statement, so that pg_backend_pid() means the same in each.
  const client = await db.connect();
  try {
    return await terminateOn(client, pid);
  } finally {
    client.release();
  }
}

async function terminateOn(client: pg.PoolClient, pid: number): Promise<{ terminated: boolean }> {
  const { rows: info } = await client.query<{ version: number; role: string }>(
    `SELECT current_setting('server_version_num')::int AS version, current_user AS role`,
  );
  const call = info[0]!.version >= 140000 ? `pg_terminate_backend(pid, ${TERMINATE_WAIT_MS})` : 'pg_terminate_backend(pid)';
  let rows: Array<{ terminated: boolean }>;
  try {
    // The checks and the signal are one statement, so a pid cannot be swapped for another in between.
    ({ rows } = await client.query<{ terminated: boolean }>(
      `SELECT ${call} AS terminated
         FROM pg_stat_activity
        WHERE pid = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'
          AND datid = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND left(coalesce(application_name, ''), length($2)) <> $2`,
      [pid, OUR_APPLICATION_PREFIX],
    ));
  } catch (error) {
    if (sqlState(error) === '42501') {
      throw new ContractError(
        'permission-denied',
        `PostgreSQL refused to terminate the connection of pid ${pid}: ${(error as Error).message}.`,
        `Terminating another role's connection needs membership in that role or in pg_signal_backend (a superuser's connection, a superuser): a superuser runs GRANT pg_signal_backend TO ${quoteIdent(info[0]!.role)};`,
      );
    }
    throw error;
  }
  const first = rows[0];
  if (first) return { terminated: first.terminated };
  throw await refusal(client, pid);
}

interface BackendRow {
  found: boolean;
  user: string | null;
  role: string;
  database: string | null;
  backend_type: string | null;
  application: string | null;
  current_database: string;
  is_self: boolean;
}

/** Says why a pid was not terminated. */
async function refusal(client: pg.PoolClient, pid: number): Promise<ContractError> {
  const { rows } = await client.query<BackendRow>(
    `SELECT current_database() AS current_database, a.datname AS database, a.backend_type, a.application_name AS application,
            a.pid = pg_backend_pid() AS is_self, a.pid IS NOT NULL AS found, a.usename AS user, current_user AS role
       FROM (SELECT 1) one LEFT JOIN pg_stat_activity a ON a.pid = $1`,
    [pid],
  );
  const row = rows[0];
  const current = row?.current_database ?? 'this database';
  if (row?.found && row.backend_type === null) {
    // pg_stat_activity hides another role's session details (its kind among them) without pg_read_all_stats.
    return new ContractError(
      'permission-denied',
      `Hotpath cannot check that pid ${pid} is a client connection to "${current}": it is ${row.user ? `${row.user}'s` : "another role's"} session, whose details PostgreSQL hides from ${row.role}.`,
      `A superuser runs GRANT pg_read_all_stats TO ${quoteIdent(row.role)}; (to see it) and GRANT pg_signal_backend TO ${quoteIdent(row.role)}; (to terminate it), or connect as a role that has them.`,
    );
  }
  if (!row || row.backend_type === null) {
    return new ContractError(
      'no-such-backend',
      `No connection with pid ${pid} exists on the server (it may have closed already).`,
      'Refresh the list and pick a connection from it.',
    );
  }
  if (row.is_self || (row.application ?? '').startsWith(OUR_APPLICATION_PREFIX)) {
    return new ContractError(
      'not-terminable',
      `Hotpath does not terminate pid ${pid}: it is one of Hotpath's own connections (application "${row.application ?? ''}").`,
      'Cancel its query instead, or stop the workload / disconnect the stack; from psql, pg_terminate_backend works on any connection you may signal.',
    );
  }
  const what =
    row.backend_type !== 'client backend'
      ? `a ${row.backend_type}, not a client connection`
      : `connected to database "${row.database ?? '?'}", not "${current}"`;
  return new ContractError(
    'not-terminable',
    `Hotpath does not terminate pid ${pid}: it is ${what}.`,
    `Only client connections to "${current}" (the database Hotpath is connected to) can be terminated here.`,
  );
}
