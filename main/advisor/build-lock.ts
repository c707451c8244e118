import type pg from 'pg';
import { quoteQualified } from '../sql/identifiers.ts';

/**
 * One index is built by one Hotpath at a time, across processes and machines: every build holds a session-level
 * advisory lock on its build connection from before it looks for the index until its connection ends. Without it,
 * two consoles that click Build at once both find no index and both send CREATE INDEX CONCURRENTLY; the second
 * fails on the name, and its clean-up (or its check for an earlier attempt's leftover) would drop the first one's
 * index while it is still INVALID because it is being built.
 *
 * Session-level, not transaction-level: CREATE INDEX CONCURRENTLY cannot run inside a transaction block. The key is
 * the pair (BUILD_LOCK_CLASS, hashtext of the quoted qualified index name), the name passed as a parameter; advisory
 * locks belong to the current database, so the database is part of the key without being spelled out. A hash
 * collision between two names only makes their builds take turns.
 */
export const BUILD_LOCK_CLASS = 0x68706978; // 'hpix'

/** The session holding an index's build lock, as pg_stat_activity shows it. */
export interface BuildLockHolder {
  /** The holder's PostgreSQL backend pid (what pg_cancel_backend takes). */
  backendPid: number;
  /** The holding Hotpath's own process id, from its application_name; null when it does not carry one. */
  hotpathPid: number | null;
  applicationName: string | null;
  /** The holder's client address, null for a Unix socket. */
  clientAddr: string | null;
}

/** The application_name of a build session: names the Hotpath process, so another one can say who is building. */
export function builderApplicationName(pid: number = process.pid): string {
  return `hotpath index builder (pid ${pid})`;
}

function hotpathPidOf(applicationName: string | null): number | null {
  const match = /^hotpath index builder \(pid (\d+)\)$/.exec(applicationName ?? '');
  return match ? Number(match[1]) : null;
}

/**
 * Takes the build lock of schema.name on this session without waiting. Resolves true when taken (the caller must
 * unlock, or end the session); false when another session holds it.
 */
export async function tryBuildLock(client: pg.Client, schema: string, name: string): Promise<boolean> {
  const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::int4, hashtext($2)) AS locked', [
    BUILD_LOCK_CLASS,
    quoteQualified(schema, name),
  ]);
  return rows[0]?.locked === true;
}

/** Releases the lock tryBuildLock took; resolves false when this session did not hold it. */
export async function releaseBuildLock(client: pg.Client, schema: string, name: string): Promise<boolean> {
  const { rows } = await client.query<{ unlocked: boolean }>('SELECT pg_advisory_unlock($1::int4, hashtext($2)) AS unlocked', [
    BUILD_LOCK_CLASS,
    quoteQualified(schema, name),
  ]);
  return rows[0]?.unlocked === true;
}

/**
 * Who holds the build lock of schema.name now, or null (nobody, or it was released meanwhile). A two-key advisory
 * lock shows in pg_locks as classid = first key, objid = second key (as an unsigned oid), objsubid = 2.
 */
export async function buildLockHolder(client: pg.Client, schema: string, name: string): Promise<BuildLockHolder | null> {
  const { rows } = await client.query<{ pid: number; application_name: string | null; client_addr: string | null }>(
    `SELECT l.pid, a.application_name, host(a.client_addr) AS client_addr
     FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND l.classid = $1::int4::oid AND l.objid = hashtext($2)::oid
     LIMIT 1`,
    [BUILD_LOCK_CLASS, quoteQualified(schema, name)],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    backendPid: row.pid,
    hotpathPid: hotpathPidOf(row.application_name),
    applicationName: row.application_name,
    clientAddr: row.client_addr,
  };
}

/** "another Hotpath (pid 123, PostgreSQL backend 456)", for messages. */
export function describeHolder(holder: BuildLockHolder | null): string {
  if (!holder) return 'another Hotpath';
  const who = holder.hotpathPid !== null ? 'another Hotpath' : `another session (${holder.applicationName ?? 'no application name'})`;
  const where = holder.clientAddr ? ` on ${holder.clientAddr}` : '';
  const pid = holder.hotpathPid !== null ? `pid ${holder.hotpathPid}${where}, ` : where ? `${where.slice(4)}, ` : '';
  return `${who} (${pid}PostgreSQL backend ${holder.backendPid})`;
}
