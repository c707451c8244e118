import type pg from 'pg';
import type { StackNotice } from './stack.ts';

export interface PgStatStatementsStatus {
  /** Preloaded, created in this database, and readable by this user. */
  enabled: boolean;
  /** We ran CREATE EXTENSION in this call. */
  created: boolean;
  notices: StackNotice[];
}

const NEEDED_BY =
  'The index advisor (index candidates from the queries actually run) and the per-statement view of the database need it; the rest of the console works without it.';

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * `shared_preload_libraries` is readable only by superusers and pg_read_all_settings members;
 * `undefined` when this user cannot tell.
 */
async function isPreloaded(client: pg.Client): Promise<boolean | undefined> {
  const { rows } = await client.query<{ setting: string }>(`SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries'`);
  const setting = rows[0]?.setting;
  if (setting === undefined) return undefined;
  return setting
    .split(',')
    .map((lib) => lib.trim().replace(/^"|"$/g, ''))
    .some((lib) => lib === 'pg_stat_statements' || lib.endsWith('/pg_stat_statements'));
}

/** Reads the view once: proves the library is loaded and this user may read it. */
async function probeView(client: pg.Client, database: string): Promise<StackNotice | null> {
  try {
    await client.query('SELECT 1 FROM pg_stat_statements LIMIT 1');
    return null;
  } catch (error) {
    if (sqlState(error) === '55000') return notPreloaded();
    return {
      code: 'pg-stat-statements-unreadable',
      message: `pg_stat_statements exists in database "${database}" but cannot be read: ${(error as Error).message}.`,
      hint: `Grant this user pg_read_all_stats (GRANT pg_read_all_stats TO <user>) or connect as a user who can read it. ${NEEDED_BY}`,
    };
  }
}

function notPreloaded(): StackNotice {
  return {
    code: 'pg-stat-statements-not-preloaded',
    message: 'pg_stat_statements is not loaded by the server (it is missing from shared_preload_libraries).',
    hint: `Add pg_stat_statements to shared_preload_libraries in postgresql.conf (managed services: in the parameter group / flags), restart the server, then run CREATE EXTENSION pg_stat_statements. ${NEEDED_BY}`,
  };
}

function notCreated(database: string, why: string): StackNotice {
  return {
    code: 'pg-stat-statements-not-created',
    message: `The pg_stat_statements extension is not created in database "${database}"${why}.`,
    hint: `Ask a superuser to run CREATE EXTENSION pg_stat_statements; in database "${database}". ${NEEDED_BY}`,
  };
}

/**
 * Finds out whether pg_stat_statements works in the connected database. When the library is preloaded but the
 * extension is missing and `mayCreate` (not read-only), it runs CREATE EXTENSION IF NOT EXISTS (reversible by
 * DROP EXTENSION, no data touched). It never creates the extension where the library is not loaded, because
 * the extension would exist but fail on every read.
 */
export async function detectPgStatStatements(
  client: pg.Client,
  options: { database: string; mayCreate: boolean },
): Promise<PgStatStatementsStatus> {
  const { database, mayCreate } = options;
  const existing = await client.query(`SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'`);
  if (existing.rowCount !== 0) {
    const notice = await probeView(client, database);
    return { enabled: notice === null, created: false, notices: notice ? [notice] : [] };
  }

  const preloaded = await isPreloaded(client);
  if (preloaded === false) return { enabled: false, created: false, notices: [notPreloaded()] };
  if (preloaded === undefined) {
    return {
      enabled: false,
      created: false,
      notices: [notCreated(database, ', and this user cannot read shared_preload_libraries to tell whether it could be')],
    };
  }
  if (!mayCreate) return { enabled: false, created: false, notices: [notCreated(database, ' (read-only mode does no DDL)')] };

  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  } catch (error) {
    // 23505/42710: another session created it at the same moment, which is what we wanted.
    if (sqlState(error) !== '23505' && sqlState(error) !== '42710') {
      const why =
        sqlState(error) === '42501' ? ' (creating it needs a superuser)' : ` (CREATE EXTENSION failed: ${(error as Error).message})`;
      return { enabled: false, created: false, notices: [notCreated(database, why)] };
    }
  }
  const notice = await probeView(client, database);
  return { enabled: notice === null, created: true, notices: notice ? [notice] : [] };
}
