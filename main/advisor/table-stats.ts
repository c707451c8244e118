import type pg from 'pg';
import { ADVISOR_MARKER } from './generic-plan.ts';

/** What pg_attribute and pg_stats say about one column. */
export interface ColumnInfo {
  name: string;
  /** A default B-tree operator class exists for its type (json, point … have none). */
  btree: boolean;
  avgWidth: number;
  nullFrac: number;
  /** Distinct values as a count (pg_stats' negative fractions multiplied out); 0 when unknown. */
  nDistinct: number;
  mcvFreqSum: number;
  mcvCount: number;
  /** Physical order vs value order, -1…1; null when unknown. */
  correlation: number | null;
}

export interface TableInfo {
  schema: string;
  table: string;
  reltuples: number;
  relpages: number;
  allVisibleFraction: number;
  columns: Map<string, ColumnInfo>;
  /** Heap tuple header plus the columns' average widths, in bytes. */
  rowBytes: number;
  /** (n_tup_ins + n_tup_upd + n_tup_del) per second since the statistics were reset. */
  writesPerSecond: number;
  /** Writes as a share of the table's tuple traffic (writes + tuples read): how write-heavy it is. */
  writeShare: number;
}

/** The planner's cost constants (SHOW), which the fallback estimate uses as PostgreSQL itself would. */
export interface CostSettings {
  seqPageCost: number;
  randomPageCost: number;
  cpuTupleCost: number;
  cpuIndexTupleCost: number;
  cpuOperatorCost: number;
}

export async function readCostSettings(client: pg.Client): Promise<CostSettings> {
  const { rows } = await client.query<{ name: string; setting: string }>(
    `${ADVISOR_MARKER} SELECT name, setting FROM pg_settings WHERE name IN ('seq_page_cost','random_page_cost','cpu_tuple_cost','cpu_index_tuple_cost','cpu_operator_cost')`,
  );
  const get = (name: string, fallback: number) => Number(rows.find((r) => r.name === name)?.setting ?? fallback);
  return {
    seqPageCost: get('seq_page_cost', 1),
    randomPageCost: get('random_page_cost', 4),
    cpuTupleCost: get('cpu_tuple_cost', 0.01),
    cpuIndexTupleCost: get('cpu_index_tuple_cost', 0.005),
    cpuOperatorCost: get('cpu_operator_cost', 0.0025),
  };
}

/** The size and traffic figures of one relation (a partitioned table's summed over its leaf partitions). */
interface RelationRow {
  oid: number;
  relkind: string;
  reltuples: number;
  relpages: number;
  relallvisible: number;
  writes: number;
  reads: number;
  seconds: number;
}

/**
 * Reads the tables' size, columns (verified to exist: pg_attribute, not dropped) and statistics. A partitioned
 * table (where the advisor proposes indexes for plans that scan its partitions) gets its leaf partitions' sizes and
 * traffic summed, and each leaf partition is read too, under its own key: the estimate costs a partition's scan
 * with that partition's figures.
 */
export async function readTables(client: pg.Client, tables: { schema: string; table: string }[]): Promise<Map<string, TableInfo>> {
  const out = new Map<string, TableInfo>();
  const queue = [...tables];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const { schema, table } = next;
    const key = tableKey(schema, table);
    if (out.has(key)) continue;
    const r = await readRelation(client, schema, table);
    if (!r) continue;
    if (r.relkind === 'p') queue.push(...(await leafPartitions(client, r.oid)));
    const columns = await readColumns(client, schema, table, r);
    let rowBytes = 24;
    for (const c of columns.values()) rowBytes += c.avgWidth;
    out.set(key, {
      schema,
      table,
      reltuples: r.reltuples,
      relpages: Math.max(r.relpages, 1),
      allVisibleFraction: r.relpages > 0 ? Math.min(1, r.relallvisible / r.relpages) : 0,
      columns,
      rowBytes,
      writesPerSecond: r.writes / r.seconds,
      writeShare: r.writes + r.reads > 0 ? r.writes / (r.writes + r.reads) : 0,
    });
  }
  return out;
}

async function readRelation(client: pg.Client, schema: string, table: string): Promise<RelationRow | null> {
  // For a partitioned table (relkind p: no storage of its own) the figures are its leaf partitions' sums.
  const { rows } = await client.query<RelationRow>(
    `${ADVISOR_MARKER} WITH rel AS (
       SELECT c.oid, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2
     ), parts AS (
       SELECT CASE WHEN rel.relkind = 'p' THEN t.relid ELSE rel.oid END AS oid
         FROM rel LEFT JOIN LATERAL (SELECT relid FROM pg_partition_tree(rel.oid) WHERE isleaf AND rel.relkind = 'p') t ON true
     )
     SELECT rel.oid::int8 AS oid, rel.relkind::text AS relkind,
            coalesce(sum(greatest(c.reltuples, 0)), 0)::float8 AS reltuples, coalesce(sum(c.relpages), 0)::float8 AS relpages,
            coalesce(sum(c.relallvisible), 0)::float8 AS relallvisible,
            coalesce(sum(s.n_tup_ins + s.n_tup_upd + s.n_tup_del), 0)::float8 AS writes,
            coalesce(sum(s.seq_tup_read + coalesce(s.idx_tup_fetch, 0)), 0)::float8 AS reads,
            greatest(extract(epoch FROM now() - coalesce((SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()),
                                                         pg_postmaster_start_time())), 1)::float8 AS seconds
       FROM rel LEFT JOIN parts ON true LEFT JOIN pg_class c ON c.oid = parts.oid
       LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
      GROUP BY rel.oid, rel.relkind`,
    [schema, table],
  );
  return rows[0] ?? null;
}

async function leafPartitions(client: pg.Client, oid: number): Promise<{ schema: string; table: string }[]> {
  const { rows } = await client.query<{ schema: string; table: string }>(
    `${ADVISOR_MARKER} SELECT n.nspname AS schema, c.relname AS table FROM pg_partition_tree($1::oid) t
       JOIN pg_class c ON c.oid = t.relid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE t.isleaf`,
    [oid],
  );
  return rows;
}

/**
 * The columns with their statistics. A partitioned table's own statistics (pg_stats.inherited) exist only once
 * someone ANALYZEd it (autovacuum never does); without them its largest leaf partition's stand in.
 */
async function readColumns(client: pg.Client, schema: string, table: string, r: RelationRow): Promise<Map<string, ColumnInfo>> {
  let statsOf = { schema, table, inherited: r.relkind === 'p' };
  if (r.relkind === 'p') {
    const { rows } = await client.query<{ own: boolean; schema: string | null; table: string | null }>(
      `${ADVISOR_MARKER} SELECT EXISTS (SELECT 1 FROM pg_stats WHERE schemaname = $1 AND tablename = $2 AND inherited) AS own,
              (SELECT n.nspname FROM pg_partition_tree($3::oid) t JOIN pg_class c ON c.oid = t.relid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE t.isleaf ORDER BY c.reltuples DESC LIMIT 1) AS schema,
              (SELECT c.relname FROM pg_partition_tree($3::oid) t JOIN pg_class c ON c.oid = t.relid
                WHERE t.isleaf ORDER BY c.reltuples DESC LIMIT 1) AS table`,
      [schema, table, r.oid],
    );
    const found = rows[0];
    if (found && !found.own && found.schema !== null && found.table !== null) {
      statsOf = { schema: found.schema, table: found.table, inherited: false };
    }
  }
  const { rows: cols } = await client.query<{
    name: string;
    btree: boolean;
    avg_width: number | null;
    null_frac: number | null;
    n_distinct: number | null;
    mcv_sum: number | null;
    mcv_count: number | null;
    correlation: number | null;
    typlen: number;
  }>(
    `${ADVISOR_MARKER} SELECT a.attname AS name,
            (t.typcategory IN ('A','E') OR EXISTS (SELECT 1 FROM pg_opclass oc JOIN pg_am am ON am.oid = oc.opcmethod
               WHERE am.amname = 'btree' AND oc.opcdefault AND oc.opcintype = coalesce(nullif(t.typbasetype, 0), a.atttypid))) AS btree,
            st.avg_width::float8 AS avg_width, st.null_frac::float8 AS null_frac, st.n_distinct::float8 AS n_distinct,
            (SELECT sum(f)::float8 FROM unnest(st.most_common_freqs) f) AS mcv_sum,
            cardinality(st.most_common_freqs)::float8 AS mcv_count, st.correlation::float8 AS correlation, t.typlen::int AS typlen
       FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_stats st ON st.schemaname = $1 AND st.tablename = $2 AND st.attname = a.attname AND st.inherited = $4
      WHERE a.attrelid = $3 AND a.attnum > 0 AND NOT a.attisdropped`,
    [statsOf.schema, statsOf.table, r.oid, statsOf.inherited],
  );
  const columns = new Map<string, ColumnInfo>();
  for (const c of cols) {
    const nd = c.n_distinct ?? 0;
    columns.set(c.name, {
      name: c.name,
      btree: c.btree,
      avgWidth: c.avg_width ?? (c.typlen > 0 ? c.typlen : 32),
      nullFrac: c.null_frac ?? 0,
      // A negative n_distinct is a share of the rows: of this table's (all partitions') rows.
      nDistinct: nd < 0 ? -nd * r.reltuples : nd,
      mcvFreqSum: c.mcv_sum ?? 0,
      mcvCount: c.mcv_count ?? 0,
      correlation: c.correlation,
    });
  }
  return columns;
}

export function tableKey(schema: string, table: string): string {
  return JSON.stringify([schema, table]);
}
