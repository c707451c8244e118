import type pg from 'pg';
import { quoteQualified } from '../sql/identifiers.ts';

/** One statement's counters since the last stats reset, summed over users and nesting levels. */
export interface StatementCounters {
  queryId: string;
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
}

export type StatementsRead = { available: true; rows: StatementCounters[] } | { available: false; reason: string };

const NEEDED_FOR = 'The per-statement view needs it; everything else works without it.';

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function notLoaded(database: string): string {
  return `pg_stat_statements is not loaded by the server. Add it to shared_preload_libraries in postgresql.conf (managed services: the parameter group or flags), restart PostgreSQL, then run CREATE EXTENSION pg_stat_statements; in database "${database}". ${NEEDED_FOR}`;
}

/**
 * shared_preload_libraries is visible only to superusers and pg_read_all_settings members; `undefined` when
 * this user cannot tell.
 */
async function isPreloaded(db: pg.Pool): Promise<boolean | undefined> {
  const { rows } = await db.query<{ setting: string }>(`SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries'`);
  const setting = rows[0]?.setting;
  if (setting === undefined) return undefined;
  return setting
    .split(',')
    .map((lib) => lib.trim().replace(/^"|"$/g, ''))
    .some((lib) => lib === 'pg_stat_statements' || lib.endsWith('/pg_stat_statements'));
}

/**
 * Reads pg_stat_statements of the current database (PostgreSQL 13+ column names). Every way it can be
 * missing (too old a server, library not preloaded, extension not created, no permission) is an answer with
 * a reason saying how to enable it, not an exception. It never creates the extension itself: connecting does
 * that where it can, and a read should not run DDL.
 */
export async function readStatementCounters(db: pg.Pool): Promise<StatementsRead> {
  const { rows: info } = await db.query<{ version: string; database: string; schema: string | null }>(
    `SELECT current_setting('server_version_num') AS version, current_database() AS database,
            (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
              WHERE e.extname = 'pg_stat_statements') AS schema`,
  );
  const { version, database, schema } = info[0] ?? { version: '0', database: '', schema: null };
  if (Number(version) < 130000) {
    return {
      available: false,
      reason: `The per-statement view needs PostgreSQL 13 or newer (this server is ${Math.floor(Number(version) / 10000)}).`,
    };
  }
  if (schema === null) {
    if ((await isPreloaded(db)) === false) return { available: false, reason: notLoaded(database) };
    return {
      available: false,
      reason: `The pg_stat_statements extension is not created in database "${database}". Run CREATE EXTENSION pg_stat_statements; there as a superuser (the server must also have it in shared_preload_libraries). ${NEEDED_FOR}`,
    };
  }
  try {
    // Several rows share a queryid (one per user, top-level or nested): sum them into one statement.
    const { rows } = await db.query<{ query_id: string; query: string; calls: number; total_ms: number }>(
      `SELECT s.queryid::text AS query_id, min(s.query) AS query, sum(s.calls)::float8 AS calls,
              sum(s.total_exec_time)::float8 AS total_ms
         FROM ${quoteQualified(schema, 'pg_stat_statements')} s
        WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND s.queryid IS NOT NULL
        GROUP BY s.queryid`,
    );
    return {
      available: true,
      rows: rows.map((r) => ({
        queryId: r.query_id,
        query: r.query,
        calls: r.calls,
        totalMs: r.total_ms,
        meanMs: r.calls > 0 ? r.total_ms / r.calls : 0,
      })),
    };
  } catch (error) {
    if (sqlState(error) === '55000') return { available: false, reason: notLoaded(database) };
    if (sqlState(error) === '42501') {
      return {
        available: false,
        reason: `This user may not read pg_stat_statements (${(error as Error).message}). Run GRANT pg_read_all_stats TO <user>; as a superuser, or connect as a user who can. ${NEEDED_FOR}`,
      };
    }
    throw error;
  }
}
