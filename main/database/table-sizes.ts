import type pg from 'pg';
import type { DatabaseSizes, IndexSize, TableSize } from '../contract/database.ts';
import { quoteIdent } from '../sql/identifiers.ts';
import { indexesSql } from './index-sizes.ts';

/**
 * The largest tables and indexes of the current database, with a bloat estimate per table (and per B-tree index:
 * index-sizes.ts).
 *
 * The estimate is ioguix's statistics-based one (github.com/ioguix/pgsql-bloat-estimation, table/table_bloat.sql,
 * the same family check_postgres's `bloat` action and PgHero use): from pg_stats' average width and null fraction of
 * each column it computes the size of a tuple, hence the pages the table's reltuples need at its fillfactor; what the
 * heap and TOAST occupy beyond that is the bloat. It reads only catalogs and statistics (no pgstattuple scan), so it
 * is an estimate: it is off for tables never analyzed, with dropped or `name` columns, or with wide values
 * compressed in line. pg_stats shows a column only to roles that may SELECT it; a table whose columns the role
 * cannot read has no estimate, and the answer says which grant fixes that. Sizes need no grant.
 */

const BLOAT_METHOD =
  "Statistics-based estimate (ioguix's table_bloat query, as check_postgres and PgHero use): heap + TOAST pages beyond what reltuples of the average row width (pg_stats) need at the table's fillfactor. No table is scanned.";

interface TableRow {
  schema: string;
  name: string;
  total_bytes: number;
  table_bytes: number;
  index_bytes: number;
  toast_bytes: number;
  reltuples: number;
  heap_pages: number;
  bloat_bytes: number | null;
  readable: boolean;
  analyzed: boolean;
  stats_complete: boolean;
}

/**
 * The size expressions: exact (the size functions, which take an AccessShareLock on each relation and so queue behind
 * a pending ALTER TABLE) or, when a lock is not granted in time, from pg_class.relpages (as of the last VACUUM,
 * ANALYZE or index build; no lock).
 */
function sizeColumns(exact: boolean): { total: string; table: string; indexes: string; toast: string; index: string } {
  const bs = "current_setting('block_size')::float8";
  return exact
    ? {
        total: 'pg_total_relation_size(c.oid)',
        // Heap with its free-space and visibility maps; TOAST (with its index) apart, so the parts add up to the total.
        table: '(pg_table_size(c.oid) - coalesce(pg_total_relation_size(c.reltoastrelid), 0))',
        indexes: 'pg_indexes_size(c.oid)',
        toast: 'coalesce(pg_total_relation_size(c.reltoastrelid), 0)',
        index: 'pg_relation_size(c.oid)',
      }
    : {
        total: `((c.relpages + coalesce(t.relpages, 0) + coalesce((SELECT sum(ic.relpages) FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid WHERE x.indrelid = c.oid), 0)) * ${bs})`,
        table: `(c.relpages * ${bs})`,
        indexes: `(coalesce((SELECT sum(ic.relpages) FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid WHERE x.indrelid = c.oid), 0) * ${bs})`,
        toast: `(coalesce(t.relpages, 0) * ${bs})`,
        index: `(c.relpages * ${bs})`,
      };
}

const tablesSql = (exact: boolean, size = sizeColumns(exact)) => `
  WITH tables AS (
    SELECT c.oid, n.nspname AS schema, c.relname AS name, c.reltuples::float8 AS reltuples, c.relpages::float8 AS heap_pages,
           coalesce(t.relpages, 0)::float8 AS toast_pages, coalesce(t.reltuples, 0)::float8 AS toast_tuples,
           coalesce(substring(array_to_string(c.reloptions, ' ') FROM 'fillfactor=([0-9]+)')::int, 100) AS fillfactor,
           has_table_privilege(c.oid, 'SELECT') AS readable,
           coalesce(greatest(s.last_analyze, s.last_autoanalyze) IS NOT NULL, false) AS analyzed,
           ${size.total}::float8 AS total_bytes,
           ${size.table}::float8 AS table_bytes,
           ${size.indexes}::float8 AS index_bytes,
           ${size.toast}::float8 AS toast_bytes
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
      LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
     WHERE c.relkind IN ('r', 'm')
       AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
     ORDER BY ${size.total} DESC, n.nspname, c.relname
     LIMIT $1
  ), widths AS (
    SELECT tb.oid,
           23 + CASE WHEN max(coalesce(st.null_frac, 0)) > 0 THEN (7 + count(*)) / 8 ELSE 0 END AS header,
           sum((1 - coalesce(st.null_frac, 0)) * coalesce(st.avg_width, 0))::float8 AS data,
           count(st.attname) = count(*) AND NOT bool_or(a.atttypid = 'pg_catalog.name'::regtype) AS stats_complete
      FROM tables tb
      JOIN pg_attribute a ON a.attrelid = tb.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_stats st ON st.schemaname = tb.schema AND st.tablename = tb.name AND st.attname = a.attname AND NOT st.inherited
     GROUP BY tb.oid
  ), tuples AS (
    -- 4 bytes of line pointer; header and data each padded to the maximum alignment (8 on 64-bit builds).
    SELECT w.oid, w.stats_complete,
           4 + w.header + w.data + 16 - CASE WHEN w.header % 8 = 0 THEN 8 ELSE w.header % 8 END
             - CASE WHEN ceil(w.data)::int % 8 = 0 THEN 8 ELSE ceil(w.data)::int % 8 END AS tuple_bytes
      FROM widths w
  )
  SELECT tb.schema, tb.name, tb.total_bytes, tb.table_bytes, tb.index_bytes, tb.toast_bytes, tb.reltuples, tb.heap_pages,
         tb.readable, tb.analyzed, coalesce(tu.stats_complete, false) AS stats_complete,
         CASE WHEN tu.tuple_bytes > 0 AND tb.reltuples >= 0 THEN
           greatest(0, (tb.heap_pages + tb.toast_pages)
             - (ceil(tb.reltuples / ((current_setting('block_size')::float8 - 24) * tb.fillfactor / (tu.tuple_bytes * 100)))
                + ceil(tb.toast_tuples / 4))) * current_setting('block_size')::float8
         END AS bloat_bytes
    FROM tables tb
    LEFT JOIN tuples tu ON tu.oid = tb.oid
   ORDER BY tb.total_bytes DESC, tb.schema, tb.name`;

function unknownReason(row: TableRow): string | null {
  if (!row.readable) return 'No SELECT on this table, so pg_stats hides its columns’ statistics.';
  if (row.reltuples < 0 || !row.analyzed) return 'Never analyzed: run ANALYZE (or wait for autovacuum) for an estimate.';
  if (!row.stats_complete) return 'Some columns have no statistics (or are of type name): the estimate would be wrong.';
  if (row.bloat_bytes === null) return 'No estimate for this table.';
  return null;
}

/** How long the exact sizes may wait for a relation's lock before the lock-free estimate is used instead. */
const LOCK_TIMEOUT = '1s';

interface IndexRow extends Omit<IndexSize, 'bloatBytes'> {
  bloat_bytes: number | null;
}

interface SizeRows {
  tableRows: TableRow[];
  indexRows: IndexRow[];
  info: { bytes: number; role: string };
}

async function readRows(client: pg.PoolClient, limit: number, exact: boolean): Promise<SizeRows> {
  await client.query('BEGIN READ ONLY');
  try {
    await client.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
    const { rows: tableRows } = await client.query<TableRow>(tablesSql(exact), [limit]);
    const { rows: indexRows } = await client.query<IndexRow>(indexesSql(sizeColumns(exact).index), [limit]);
    const { rows: info } = await client.query<{ bytes: number; role: string }>(
      'SELECT pg_database_size(current_database())::float8 AS bytes, current_user AS role',
    );
    await client.query('COMMIT');
    return { tableRows, indexRows, info: info[0]! };
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/**
 * Reads the `limit` largest tables and indexes, with each table's bloat estimate. The size functions lock each
 * relation (AccessShareLock): behind a waiting ALTER TABLE they would wait too, and hold up every query queued
 * after them. So they get LOCK_TIMEOUT; past it, the sizes come from pg_class.relpages, and the notice says so.
 */
export async function readDatabaseSizes(db: pg.Pool, limit: number): Promise<DatabaseSizes> {
  const client = await db.connect();
  let rows: SizeRows;
  let estimated = false;
  try {
    try {
      rows = await readRows(client, limit, true);
    } catch (error) {
      if ((error as { code?: unknown }).code !== '55P03') throw error;
      estimated = true;
      rows = await readRows(client, limit, false);
    }
  } finally {
    client.release();
  }
  const { tableRows, indexRows, info } = rows;
  const tables = tableRows.map((r): TableSize => {
    const reason = unknownReason(r);
    const heapBytes = r.table_bytes + r.toast_bytes;
    const bloat = reason === null ? Math.min(r.bloat_bytes!, heapBytes) : null;
    return {
      schema: r.schema,
      name: r.name,
      totalBytes: r.total_bytes,
      tableBytes: r.table_bytes,
      indexBytes: r.index_bytes,
      toastBytes: r.toast_bytes,
      rows: r.reltuples < 0 ? null : r.reltuples,
      bloatBytes: bloat,
      bloatShare: bloat === null ? null : heapBytes > 0 ? bloat / heapBytes : 0,
      bloatUnknown: reason,
    };
  });
  const unreadable = tableRows.filter((r) => !r.readable).length;
  const notices = [
    estimated
      ? `A table's lock was not granted within ${LOCK_TIMEOUT} (a statement such as ALTER TABLE holds or waits for it: see Locks), so these sizes are pg_class.relpages as of each table's last VACUUM or ANALYZE, not its files.`
      : null,
    unreadable === 0
      ? null
      : `${info.role} may not SELECT ${unreadable} of these tables, so PostgreSQL hides their column statistics and their bloat cannot be estimated (sizes are shown). A superuser runs GRANT pg_read_all_data TO ${quoteIdent(info.role)}; (PostgreSQL 14+) or the tables' owner grants SELECT.`,
  ].filter((n) => n !== null);
  return {
    databaseBytes: info.bytes,
    tables,
    indexes: indexRows.map(({ bloat_bytes, ...index }) => ({
      ...index,
      bloatBytes: bloat_bytes === null ? null : Math.min(bloat_bytes, index.bytes),
    })),
    bloatMethod: BLOAT_METHOD,
    notice: notices.length > 0 ? notices.join(' ') : null,
  };
}
