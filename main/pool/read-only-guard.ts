import type pg from 'pg';
import type { Connection } from './connection.ts';
import { PoolError } from './pool-errors.ts';

/**
 * How a read-only pool keeps its sessions from writing, whatever the SQL it is given does.
 *
 * Every session starts with `default_transaction_read_only=on` (a startup option). A statement can switch that
 * off for the rest of the session (`SELECT set_config('default_transaction_read_only', 'off', false)`, a
 * function that SETs it, `SET SESSION CHARACTERISTICS …`); it cannot make its own transaction writable, because
 * `transaction_read_only` is fixed once a query has run in the transaction. Since PostgreSQL 14 the server
 * reports a change of `default_transaction_read_only` (and of the session user, is_superuser, the encoding,
 * standard_conforming_strings …) in a ParameterStatus message before the statement's ReadyForQuery, so the pool
 * sees it before it sends anything else on that connection: it fails that statement and closes the connection.
 * The check costs one property read per statement; no round trip.
 *
 * Servers that do not report the setting (older than 14) get the fallback: every one-shot query inside its own
 * `BEGIN READ ONLY` … `COMMIT`, two more round trips per query (none for a pipelined one, whose BEGIN and COMMIT are
 * written with it). `readOnlyTransactions` forces the fallback.
 *
 * This holds because each request is one statement: the workload sends named prepared statements (the extended
 * protocol takes one statement per Parse), so no `COMMIT` can end the read-only transaction mid-request.
 *
 * Pipelining (several queries in flight on one connection) sends a query before the results ahead of it, and their
 * ParameterStatus, are back: such a query runs in its own READ ONLY transaction, sent with it
 * (`inPipelinedReadOnlyTransaction`). The statements ahead of it may still change the session; the guard then fails
 * them and everything behind them on that connection, and closes it.
 */

/** The error for a statement that changed a reported session parameter of a read-only pool's connection. */
export function sessionChangedError(connection: Connection): PoolError {
  const change = connection.sessionChange!;
  const from = change.from === undefined ? 'unset' : JSON.stringify(change.from);
  return new PoolError(
    'session-changed',
    `The statement changed the session's ${change.name} from ${from} to ${JSON.stringify(change.to)}. ` +
      'Sessions of a read-only pool must stay as the pool set them up, so its result was discarded and the connection closed.',
    'Remove the set_config()/SET (or the function call that does it) from the SQL: workload statements run read-only and may not change the session.',
  );
}

/** True when this connection's one-shot queries must run inside an explicit READ ONLY transaction. */
export function needsReadOnlyTransaction(connection: Connection, options: { readOnly?: boolean; readOnlyTransactions?: boolean }): boolean {
  return options.readOnlyTransactions === true || (options.readOnly === true && !connection.reportsReadOnly);
}

const BEGIN_READ_ONLY = { text: 'BEGIN READ ONLY' };
const COMMIT = { text: 'COMMIT' };

/**
 * A pipelined query (see pipelining.ts) that must run in its own READ ONLY transaction: one sent behind others on a
 * read-only pool's connection, or any on a connection with the fallback. The guard sees a statement's session change
 * before it sends the next statement; a query already on the wire behind that statement is past that point and would
 * run in the session as the statement left it (writable). So its BEGIN READ ONLY and COMMIT are written with it (no
 * round trip): whatever the statements ahead of it do to the session's default, its transaction cannot write. If it
 * fails, the server skips to its Sync and the COMMIT ends the aborted transaction (as a ROLLBACK), so it fails
 * alone. Resolves once the COMMIT is back: the connection goes back to the pool with no transaction open.
 */
export async function inPipelinedReadOnlyTransaction(connection: Connection, run: () => Promise<pg.QueryResult>): Promise<pg.QueryResult> {
  const client = connection.client;
  const begin = client.query(BEGIN_READ_ONLY);
  const running = run();
  const commit = client.query(COMMIT);
  const [began, ran, committed] = await Promise.allSettled([begin, running, commit]);
  for (const step of [began, committed]) {
    // Neither fails on a working connection (a failed query's transaction ends in ROLLBACK, not an error).
    if (step.status === 'rejected') connection.broken ??= step.reason as Error;
  }
  if (ran.status === 'rejected') throw ran.reason;
  if (began.status === 'rejected') throw began.reason;
  if (committed.status === 'rejected') throw committed.reason;
  return ran.value;
}

/**
 * Runs `run` between BEGIN READ ONLY and COMMIT. On failure the ROLLBACK is queued on the connection without
 * waiting (a cancelled statement may still be running); the pool holds the connection back until it is done.
 */
export async function inReadOnlyTransaction(connection: Connection, run: () => Promise<pg.QueryResult>): Promise<pg.QueryResult> {
  await connection.client.query(BEGIN_READ_ONLY);
  try {
    const result = await run();
    await connection.client.query(COMMIT);
    return result;
  } catch (error) {
    if (!connection.broken) {
      const rollback = connection.client.query('ROLLBACK').catch((rollbackError: Error) => {
        connection.broken ??= rollbackError;
      });
      connection.settling = connection.settling ? Promise.all([connection.settling, rollback]) : rollback;
    }
    throw error;
  }
}
