import type pg from 'pg';
import type { LockSession, LockTree } from '../contract/database.ts';
import { quoteIdent } from '../sql/identifiers.ts';
import { OUR_APPLICATION_PREFIX } from './activity.ts';

/**
 * Who blocks whom in the current database, as a tree (what PgHero's "blocked queries" and pgAdmin's "Locks" tab
 * show, joined up): the sessions with a heavyweight lock not granted (pg_locks), the sessions
 * pg_blocking_pids says they wait for (wherever those are connected), and the lock each waits for (pg_locks).
 * pg_blocking_pids briefly takes the lock manager's partition locks, so it is called only for sessions with a lock
 * not granted, not for every backend. Reading needs no grant: pg_locks and pg_stat_activity are public, but another
 * role's query text shows only to members of pg_read_all_stats, and the answer says so when text was hidden.
 */

/** One row of the catalog read, before the tree is built (exported for the unit tests). */
export interface LockRow {
  pid: number;
  blocked_by: number[];
  user: string | null;
  application: string | null;
  database: string | null;
  state: string | null;
  wait_event: string | null;
  query: string | null;
  query_visible: boolean;
  waiting_for: string | null;
  waiting_ms: number | null;
  xact_ms: number | null;
}

const readSql = (hasWaitstart: boolean) => `
  WITH waiting AS (
    -- From pg_locks, not wait_event_type: pg_stat_activity hides other roles' wait events without pg_read_all_stats.
    SELECT w.pid, pg_blocking_pids(w.pid) AS blocked_by
      FROM (SELECT DISTINCT l.pid
              FROM pg_locks l
              JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE NOT l.granted
               AND a.datid = (SELECT oid FROM pg_database WHERE datname = current_database())) w
  ), involved AS (
    SELECT pid FROM waiting WHERE cardinality(blocked_by) > 0
    UNION
    SELECT unnest(blocked_by) FROM waiting
  )
  SELECT i.pid, coalesce(w.blocked_by, '{}') AS blocked_by, a.usename AS user, a.application_name AS application,
         a.datname AS database, a.state,
         CASE WHEN a.wait_event IS NOT NULL THEN a.wait_event_type || ':' || a.wait_event END AS wait_event,
         a.query,
         -- A blocker without a session (a prepared transaction) has no text to hide.
         a.pid IS NULL OR coalesce(pg_has_role(a.usesysid, 'USAGE'), false) OR pg_has_role('pg_read_all_stats', 'USAGE') AS query_visible,
         l.waiting_for, l.waiting_ms,
         CASE WHEN a.xact_start IS NOT NULL THEN (extract(epoch FROM clock_timestamp() - a.xact_start) * 1000)::float8 END AS xact_ms
    FROM involved i
    LEFT JOIN pg_stat_activity a ON a.pid = i.pid
    LEFT JOIN waiting w ON w.pid = i.pid
    LEFT JOIN LATERAL (
      SELECT l.locktype || coalesce(' ' || l.relation::regclass::text, '') || ' ' || l.mode AS waiting_for,
             ${hasWaitstart ? '(extract(epoch FROM clock_timestamp() - l.waitstart) * 1000)::float8' : 'NULL::float8'} AS waiting_ms
        FROM pg_locks l
       WHERE l.pid = i.pid AND NOT l.granted
       LIMIT 1) l ON true`;

/** Reads the lock tree of the current database. */
export async function readLockTree(db: Pick<pg.Pool, 'query'>): Promise<LockTree> {
  const { rows: info } = await db.query<{ version: number; role: string }>(
    `SELECT current_setting('server_version_num')::int AS version, current_user AS role`,
  );
  const { version, role } = info[0]!;
  // pg_locks.waitstart came with PostgreSQL 14; before it the waiting time is unknown.
  const { rows } = await db.query<LockRow>(readSql(version >= 140000));
  const sessions = buildLockTree(rows);
  const hidden = sessions.filter((s) => !s.queryVisible).length;
  return {
    sessions,
    notice:
      hidden === 0
        ? null
        : `${hidden} of these sessions belong to other roles, whose query text PostgreSQL hides from ${role}. A superuser runs GRANT pg_read_all_stats TO ${quoteIdent(role)}; (or pg_monitor, which includes it) to show it; who blocks whom is complete either way.`,
  };
}

function toSession(row: LockRow): Omit<LockSession, 'depth' | 'blocking'> {
  const application = row.application ?? '';
  return {
    pid: row.pid,
    blockedBy: row.blocked_by,
    user: row.user,
    application,
    database: row.database,
    // A blocker missing from pg_stat_activity is a prepared transaction (or one that just ended).
    state: row.state ?? (row.user === null && row.query === null ? 'gone or prepared transaction' : null),
    waitEvent: row.wait_event,
    waitingFor: row.waiting_for,
    waitingMs: row.waiting_ms === null ? null : Math.max(0, row.waiting_ms),
    transactionAgeMs: row.xact_ms === null ? null : Math.max(0, row.xact_ms),
    query: row.query ?? '',
    queryVisible: row.query_visible ?? true,
    ours: application.startsWith(OUR_APPLICATION_PREFIX),
  };
}

/**
 * Orders the sessions as a tree, depth-first: roots are the sessions that wait for no one (the head blockers),
 * the most-blocking first; each waiting session sits under the first session it waits for. A wait cycle (a
 * deadlock not yet detected) has no such root: its first member is taken as one. Pure, for the unit tests.
 */
export function buildLockTree(rows: readonly LockRow[]): LockSession[] {
  const byPid = new Map(rows.map((r) => [r.pid, toSession(r)]));
  for (const row of rows)
    for (const blocker of row.blocked_by)
      if (!byPid.has(blocker))
        byPid.set(
          blocker,
          toSession({
            ...row,
            pid: blocker,
            blocked_by: [],
            user: null,
            application: null,
            database: null,
            state: null,
            wait_event: null,
            query: null,
            query_visible: true,
            waiting_for: null,
            waiting_ms: null,
            xact_ms: null,
          }),
        );
  const waiters = new Map<number, number[]>(); // blocker -> sessions waiting on it (any of their blockers)
  for (const s of byPid.values()) for (const b of s.blockedBy) waiters.set(b, [...(waiters.get(b) ?? []), s.pid]);
  const blocking = (pid: number): number => {
    const seen = new Set<number>();
    const stack = [...(waiters.get(pid) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (next === pid || seen.has(next)) continue;
      seen.add(next);
      stack.push(...(waiters.get(next) ?? []));
    }
    return seen.size;
  };
  const counts = new Map([...byPid.keys()].map((pid) => [pid, blocking(pid)]));
  const children = new Map<number, number[]>(); // tree parent (first blocker) -> children
  for (const s of byPid.values()) {
    const parent = s.blockedBy[0];
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), s.pid]);
  }
  const order = (pids: number[]) =>
    [...pids].sort((a, b) => counts.get(b)! - counts.get(a)! || (byPid.get(b)!.waitingMs ?? 0) - (byPid.get(a)!.waitingMs ?? 0) || a - b);
  const out: LockSession[] = [];
  const visited = new Set<number>();
  const visit = (pid: number, depth: number) => {
    if (visited.has(pid)) return;
    visited.add(pid);
    out.push({ ...byPid.get(pid)!, depth, blocking: counts.get(pid)! });
    for (const child of order(children.get(pid) ?? [])) visit(child, depth + 1);
  };
  const all = order([...byPid.keys()]);
  for (const pid of all) if (byPid.get(pid)!.blockedBy.length === 0) visit(pid, 0);
  for (const pid of all) visit(pid, 0); // cycles
  return out;
}
