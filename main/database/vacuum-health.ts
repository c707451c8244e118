import type pg from 'pg';
import type { DatabaseXidAge, TableVacuum, VacuumHealth } from '../contract/database.ts';

/**
 * Vacuum and analyze upkeep, and how close each database and table is to transaction-ID wraparound.
 *
 * A table whose age(relfrozenxid) passes autovacuum_freeze_max_age (or its own reloption) gets an anti-wraparound
 * autovacuum even with autovacuum off; a database whose age(datfrozenxid) nears 2^31 stops assigning transaction
 * IDs (PostgreSQL warns from 40 million before). So the figures are the age over the freeze limit (1 = an
 * aggressive vacuum is due) and over 2^31. Everything read here (pg_database, pg_class, pg_stat_all_tables,
 * pg_settings) is public: no grant is needed, and `notice` says when autovacuum is off.
 */

/** Transaction IDs are 32-bit, compared modulo 2^32: an XID older than 2^31 would look like the future. */
const WRAPAROUND_LIMIT = 2 ** 31;

interface TableRow {
  schema: string;
  name: string;
  live: number;
  dead: number;
  modified: number;
  vacuum_ms: number | null;
  autovacuum_ms: number | null;
  analyze_ms: number | null;
  autoanalyze_ms: number | null;
  xid_age: number;
  freeze_max_age: number;
}

const AGO = (column: string) =>
  `CASE WHEN s.${column} IS NOT NULL THEN greatest(0, extract(epoch FROM clock_timestamp() - s.${column}) * 1000)::float8 END`;

const TABLES_SQL = `
  WITH t AS (
    SELECT n.nspname AS schema, c.relname AS name,
           coalesce(s.n_live_tup, 0)::float8 AS live, coalesce(s.n_dead_tup, 0)::float8 AS dead,
           coalesce(s.n_mod_since_analyze, 0)::float8 AS modified,
           ${AGO('last_vacuum')} AS vacuum_ms, ${AGO('last_autovacuum')} AS autovacuum_ms,
           ${AGO('last_analyze')} AS analyze_ms, ${AGO('last_autoanalyze')} AS autoanalyze_ms,
           greatest(age(c.relfrozenxid), coalesce(age(tc.relfrozenxid), 0))::float8 AS xid_age,
           -- A table's own setting counts only below the server's: autovacuum ignores a larger one.
           least(coalesce(substring(array_to_string(c.reloptions, ' ') FROM 'autovacuum_freeze_max_age=([0-9]+)')::float8,
                          current_setting('autovacuum_freeze_max_age')::float8),
                 current_setting('autovacuum_freeze_max_age')::float8) AS freeze_max_age
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_class tc ON tc.oid = c.reltoastrelid
      LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
     -- The catalogs freeze like any table, but their age is what age(datfrozenxid) per database already shows.
     WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
  )
  SELECT * FROM (SELECT * FROM t ORDER BY xid_age / freeze_max_age DESC, schema, name LIMIT $1) oldest
  UNION
  SELECT * FROM (SELECT * FROM t ORDER BY dead DESC, schema, name LIMIT $1) deadest`;

/** Reads the wraparound figures of every database and the upkeep of the `limit` oldest and the `limit` deadest tables. */
export async function readVacuumHealth(db: Pick<pg.Pool, 'query'>, limit: number): Promise<VacuumHealth> {
  const [{ rows: settings }, { rows: databases }, { rows: tables }] = await Promise.all([
    db.query<{ freeze_max_age: number; autovacuum: boolean }>(
      `SELECT current_setting('autovacuum_freeze_max_age')::float8 AS freeze_max_age, current_setting('autovacuum')::bool AS autovacuum`,
    ),
    db.query<{ name: string; xid_age: number }>(
      `SELECT datname AS name, age(datfrozenxid)::float8 AS xid_age FROM pg_database ORDER BY age(datfrozenxid) DESC, datname`,
    ),
    db.query<TableRow>(TABLES_SQL, [limit]),
  ]);
  const { freeze_max_age: freezeMaxAge, autovacuum } = settings[0]!;
  return {
    freezeMaxAge,
    autovacuumOn: autovacuum,
    databases: databases.map((d): DatabaseXidAge => ({
      name: d.name,
      xidAge: d.xid_age,
      shareOfFreezeMax: d.xid_age / freezeMaxAge,
      shareOfWraparound: d.xid_age / WRAPAROUND_LIMIT,
    })),
    tables: tables
      .map((t): TableVacuum => ({
        schema: t.schema,
        name: t.name,
        liveTuples: t.live,
        deadTuples: t.dead,
        modifiedSinceAnalyze: t.modified,
        lastVacuumAgoMs: t.vacuum_ms,
        lastAutovacuumAgoMs: t.autovacuum_ms,
        lastAnalyzeAgoMs: t.analyze_ms,
        lastAutoanalyzeAgoMs: t.autoanalyze_ms,
        xidAge: t.xid_age,
        freezeMaxAge: t.freeze_max_age,
        shareOfFreezeMax: t.xid_age / t.freeze_max_age,
      }))
      .sort((a, b) => b.shareOfFreezeMax - a.shareOfFreezeMax || b.deadTuples - a.deadTuples || a.name.localeCompare(b.name)),
    notice: autovacuum
      ? null
      : 'autovacuum is off on this server: dead tuples pile up and statistics go stale until someone runs VACUUM and ANALYZE (anti-wraparound vacuums still run).',
  };
}
