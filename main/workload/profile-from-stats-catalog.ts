/**
 * What a profile generated from pg_stat_statements reads of the server: the statements' counters, the connecting
 * role, the tables and columns a parameter is compared to, their pg_stats rows, and the server's own answer to
 * "what types are these parameters" and "do these values parse as that type".
 *
 * Everything here only reads, inside the caller's READ ONLY transaction (rolled back). Nothing may leave an error
 * in the server's log: names are looked up in the catalog (never cast with to_regclass, which fails on a schema
 * the role may not use), and the two questions that can fail (PREPARE of someone's statement, a value's input
 * function) are asked inside a PL/pgSQL block that catches the error and hands its message back through a
 * transaction-local setting, where a caught error is not logged.
 */
import type pg from 'pg';
import type { ColumnStats } from './profile-from-stats-sampler.ts';
import { readStatStatements, statStatementsSchema, type StatStatement } from '../sql/stat-statements.ts';

/** One statement of pg_stat_statements, summed over its rows (users, top-level or nested). */
export type StatementCounters = StatStatement;

export interface SessionRole {
  oid: string;
  name: string;
  superuser: boolean;
  /** Owners of functions in this database that are neither superusers nor this role. */
  untrustedOwners: string[];
}

export interface ResolvedTable {
  oid: string;
  schema: string;
  name: string;
  /** Column name → its type as format_type prints it. */
  columns: Map<string, string>;
}

export { HIDDEN_TEXT } from '../sql/stat-statements.ts';

export class ProfileFromStatsError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'ProfileFromStatsError';
  }
}

export async function readStatementCounters(client: pg.Client): Promise<StatementCounters[]> {
  const schema = await statStatementsSchema(client);
  // Reading the view without the library loaded is an error in the server's log: asked first. pg_settings, not
  // current_setting(): the setting is superuser-only, and current_setting() raises an error for anyone else, where
  // pg_settings leaves the row out (then the connect-time capability check is what vouches for it).
  const {
    rows: [preload],
  } = await client.query<{ loaded: boolean }>(
    `SELECT 'pg_stat_statements' = ANY (string_to_array(translate(setting, ' "', ''), ',')) AS loaded
       FROM pg_catalog.pg_settings WHERE name = 'shared_preload_libraries'`,
  );
  if (preload && !preload.loaded) {
    throw new ProfileFromStatsError(
      'pg_stat_statements is not preloaded on this server, so it has recorded no statements.',
      "Add it to shared_preload_libraries (shared_preload_libraries = 'pg_stat_statements'), restart the server, and let the application run a while.",
    );
  }
  if (schema === null) {
    throw new ProfileFromStatsError(
      'pg_stat_statements is not created in this database, so there are no statements to build a profile from.',
      "Preload it (shared_preload_libraries = 'pg_stat_statements', then restart) and run CREATE EXTENSION pg_stat_statements; then let the application run a while.",
    );
  }
  return await readStatStatements(client, schema);
}

export async function readSessionRole(client: pg.Client): Promise<SessionRole> {
  const {
    rows: [role],
  } = await client.query<{ oid: string; name: string; superuser: boolean }>(
    `SELECT oid::text AS oid, rolname AS name, rolsuper AS superuser FROM pg_catalog.pg_roles WHERE rolname = session_user`,
  );
  // The same rule as the index advisor's planning (main/advisor/planning-roles.ts): every function counts, and the
  // role is the session's (a function can switch back to session_user whatever SET ROLE says).
  const owners = await client.query<{ name: string }>(
    `SELECT DISTINCT r.rolname AS name FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_roles r ON r.oid = p.proowner
      WHERE NOT r.rolsuper AND r.rolname <> session_user ORDER BY 1`,
  );
  return { ...role!, untrustedOwners: owners.rows.map((r) => r.name) };
}

/** Role names by oid (a dropped role is missing). */
export async function roleNames(client: pg.Client, oids: readonly string[]): Promise<Map<string, string>> {
  const { rows } = await client.query<{ oid: string; name: string }>(
    `SELECT oid::text AS oid, rolname AS name FROM pg_catalog.pg_roles WHERE oid = ANY ($1::oid[])`,
    [oids],
  );
  return new Map(rows.map((r) => [r.oid, r.name]));
}

/**
 * The table (or view, materialized view, foreign table) a name in a statement means: a qualified name in its
 * schema, an unqualified one along this session's search path, as the server resolves it. Null when none.
 */
export async function resolveTable(client: pg.Client, schema: string | null, name: string): Promise<ResolvedTable | null> {
  const {
    rows: [table],
  } = await client.query<{ oid: string; schema: string; name: string }>(
    `SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
        AND CASE WHEN $1::text IS NULL THEN n.nspname = ANY (current_schemas(true)) ELSE n.nspname = $1 END
      ORDER BY array_position(current_schemas(true), n.nspname::text) NULLS LAST LIMIT 1`,
    [schema, name],
  );
  if (!table) return null;
  const { rows } = await client.query<{ name: string; type: string }>(
    `SELECT attname AS name, pg_catalog.format_type(atttypid, NULL) AS type FROM pg_catalog.pg_attribute
      WHERE attrelid = $1::oid AND attnum > 0 AND NOT attisdropped`,
    [table.oid],
  );
  return { ...table, columns: new Map(rows.map((r) => [r.name, r.type])) };
}

/**
 * The column's pg_stats row (the whole inheritance tree's when there is one: a query on a parent or a partitioned
 * table reads its children too), or null. pg_stats shows only columns this role may read.
 */
export async function readColumnStats(client: pg.Client, schema: string, table: string, column: string): Promise<ColumnStats | null> {
  const {
    rows: [row],
  } = await client.query<{ null_frac: number; mcv: string[] | null; freqs: number[] | null; bounds: string[] | null }>(
    `SELECT null_frac::float8 AS null_frac, most_common_vals::text::text[] AS mcv, most_common_freqs::float8[] AS freqs,
            histogram_bounds::text::text[] AS bounds
       FROM pg_catalog.pg_stats WHERE schemaname = $1 AND tablename = $2 AND attname = $3
      ORDER BY inherited DESC LIMIT 1`,
    [schema, table, column],
  );
  return row ? { nullFrac: row.null_frac, mostCommonVals: row.mcv, mostCommonFreqs: row.freqs, histogramBounds: row.bounds } : null;
}

const PROBE_NAME = 'hotpath_profile_probe';

/**
 * The parameter types the server infers for `sql` (PREPARE, then pg_prepared_statements, then DEALLOCATE), or the
 * error PREPARE raised, caught so that the server logs nothing.
 */
export async function probeParameterTypes(client: pg.Client, sql: string): Promise<{ types: string[] } | { error: string }> {
  await client.query(`SELECT set_config('hotpath.probe_sql', $1, true), set_config('hotpath.probe_result', '', true)`, [sql]);
  await client.query(`DO $probe$
BEGIN
  IF EXISTS (SELECT FROM pg_catalog.pg_prepared_statements WHERE name = '${PROBE_NAME}') THEN DEALLOCATE ${PROBE_NAME}; END IF;
  EXECUTE 'PREPARE ${PROBE_NAME} AS ' || current_setting('hotpath.probe_sql');
  PERFORM set_config('hotpath.probe_result', (SELECT pg_catalog.array_to_json(parameter_types::text[])::text
                                                 FROM pg_catalog.pg_prepared_statements WHERE name = '${PROBE_NAME}'), true);
  DEALLOCATE ${PROBE_NAME};
EXCEPTION WHEN others THEN
  PERFORM set_config('hotpath.probe_result', pg_catalog.json_build_object('error', SQLERRM)::text, true);
END
$probe$`);
  const {
    rows: [result],
  } = await client.query<{ result: string }>(`SELECT current_setting('hotpath.probe_result') AS result`);
  const parsed = JSON.parse(result!.result) as string[] | { error: string };
  return Array.isArray(parsed) ? { types: parsed } : parsed;
}

/** Which of `values` the input function of `type` rejects (each tried in its own caught block: nothing is logged). */
export async function invalidValues(client: pg.Client, type: string, values: readonly (string | number)[]): Promise<Set<string>> {
  await client.query(
    `SELECT set_config('hotpath.probe_type', $1, true), set_config('hotpath.probe_values', $2, true), set_config('hotpath.probe_result', '[]', true)`,
    [type, JSON.stringify(values.map(String))],
  );
  await client.query(`DO $probe$
DECLARE
  value text;
  type regtype := current_setting('hotpath.probe_type')::regtype;
  bad text[] := '{}';
BEGIN
  FOR value IN SELECT pg_catalog.jsonb_array_elements_text(current_setting('hotpath.probe_values')::jsonb) LOOP
    BEGIN
      EXECUTE pg_catalog.format('SELECT %L::%s', value, type);
    EXCEPTION WHEN others THEN
      bad := bad || value;
    END;
  END LOOP;
  PERFORM set_config('hotpath.probe_result', pg_catalog.array_to_json(bad)::text, true);
END
$probe$`);
  const {
    rows: [result],
  } = await client.query<{ result: string }>(`SELECT current_setting('hotpath.probe_result') AS result`);
  return new Set(JSON.parse(result!.result) as string[]);
}
