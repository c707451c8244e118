import type pg from 'pg';
import type { ActiveConnection, DatabaseActivity } from '../contract/database.ts';

/** Hotpath names its connections `hotpath`, `hotpath-workload` …: that is how we recognise our own. */
export const OUR_APPLICATION_PREFIX = 'hotpath';

interface ActivityRow {
  pid: number;
  user: string | null;
  application: string | null;
  client_address: string | null;
  state: string | null;
  wait_event: string | null;
  query: string | null;
  query_age_ms: number | null;
}

/**
 * The client connections to the current database (pg_stat_activity), longest-running query first. Background
 * workers and connections to other databases are left out: this is the view of the database we work on.
 * The connection running this very query is left out too: it would always show as our own SELECT.
 */
export async function readActivity(db: pg.Pool): Promise<DatabaseActivity> {
  const { rows } = await db.query<ActivityRow>(
    `SELECT pid, usename AS user, application_name AS application, client_addr::text AS client_address, state,
            CASE WHEN wait_event IS NOT NULL THEN wait_event_type || ':' || wait_event END AS wait_event,
            query,
            CASE WHEN state IS NOT NULL AND state <> 'idle' AND query_start IS NOT NULL
                 THEN (extract(epoch FROM clock_timestamp() - query_start) * 1000)::float8 END AS query_age_ms
       FROM pg_stat_activity
      WHERE backend_type = 'client backend'
        AND datid = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND pid <> pg_backend_pid()
      ORDER BY query_age_ms DESC NULLS LAST, pid`,
  );
  return {
    connections: rows.map((r): ActiveConnection => ({
      pid: r.pid,
      user: r.user,
      application: r.application ?? '',
      clientAddress: r.client_address,
      state: r.state,
      waitEvent: r.wait_event,
      query: r.query ?? '',
      queryAgeMs: r.query_age_ms,
      ours: (r.application ?? '').startsWith(OUR_APPLICATION_PREFIX),
    })),
  };
}
