import type pg from 'pg';
import { quoteQualified } from './identifiers.ts';

/** What pg_stat_statements shows instead of a statement text the reading role may not see. */
export const HIDDEN_TEXT = '<insufficient privilege>';

/** One statement of pg_stat_statements in the current database: its rows (per user, top-level or nested) summed. */
export interface StatStatement {
  /** The queryid as text; '' where the server hides it (another role's statement, seen without pg_read_all_stats). */
  queryId: string;
  /** Normalized text ($1…); HIDDEN_TEXT where hidden. */
  query: string;
  calls: number;
  totalMs: number;
  /** Rows returned or written, Σ over the calls. */
  rows: number;
  /** The roles (oids) that ran it. */
  userIds: string[];
  /** pg_stat_statements rows summed into this one (for hidden texts: how many statements are hidden). */
  entries: number;
}

/** pg_stat_statements' schema in this database, or null when the extension is not created. */
export async function statStatementsSchema(client: pg.Client, marker = ''): Promise<string | null> {
  const { rows } = await client.query<{ schema: string }>(
    `${marker} SELECT n.nspname AS schema FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
      WHERE e.extname = 'pg_stat_statements'`,
  );
  return rows[0]?.schema ?? null;
}

/**
 * The current database's statements that ran at least once, one per queryid, busiest (total time, then calls)
 * first. `marker`: a comment that names the reader in the server's own statistics and logs.
 */
export async function readStatStatements(client: pg.Client, schema: string, marker = ''): Promise<StatStatement[]> {
  const { rows } = await client.query<{
    query_id: string;
    query: string;
    calls: number;
    total_ms: number;
    rows: number;
    user_ids: string[];
    entries: number;
  }>(
    `${marker} SELECT coalesce(s.queryid::text, '') AS query_id, min(s.query) AS query, sum(s.calls)::float8 AS calls,
            sum(s.total_exec_time)::float8 AS total_ms, sum(s.rows)::float8 AS rows, array_agg(DISTINCT s.userid::text) AS user_ids,
            count(*)::int AS entries
       FROM ${quoteQualified(schema, 'pg_stat_statements')} s
      WHERE s.dbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()) AND s.calls > 0
      GROUP BY s.queryid
      ORDER BY 4 DESC, 3 DESC`,
  );
  return rows.map((r) => ({
    queryId: r.query_id,
    query: r.query,
    calls: r.calls,
    totalMs: r.total_ms,
    rows: r.rows,
    userIds: r.user_ids,
    entries: r.entries,
  }));
}
