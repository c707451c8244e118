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

/** Reads the tables' size, columns (verified to exist: pg_attribute, not dropped) and statistics. */
export async function readTables(client: pg.Client, tables: { schema: string; table: string }[]): Promise<Map<string, TableInfo>> {
  const out = new Map<string, TableInfo>();
  for (const { schema, table } of tables) {
    const key = tableKey(schema, table);
    if (out.has(key)) continue;
    const { rows: rel } = await client.query<{
      oid: number;
      reltuples: number;
      relpages: number;
      relallvisible: number;
      writes: number;
      reads: number;
      seconds: number;
    }>(
      `${ADVISOR_MARKER} SELECT c.oid::int8 AS oid, greatest(c.reltuples, 0)::float8 AS reltuples, c.relpages::float8 AS relpages,
              c.relallvisible::float8 AS relallvisible,
              coalesce(s.n_tup_ins + s.n_tup_upd + s.n_tup_del, 0)::float8 AS writes,
              coalesce(s.seq_tup_read + coalesce(s.idx_tup_fetch, 0), 0)::float8 AS reads,
              greatest(extract(epoch FROM now() - coalesce(d.stats_reset, pg_postmaster_start_time())), 1)::float8 AS seconds
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
         LEFT JOIN pg_stat_database d ON d.datname = current_database()
        WHERE n.nspname = $1 AND c.relname = $2`,
      [schema, table],
    );
    const r = rel[0];
    if (!r) continue;
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
         LEFT JOIN pg_stats st ON st.schemaname = $1 AND st.tablename = $2 AND st.attname = a.attname
        WHERE a.attrelid = $3 AND a.attnum > 0 AND NOT a.attisdropped`,
      [schema, table, r.oid],
    );
    const columns = new Map<string, ColumnInfo>();
    let rowBytes = 24;
    for (const c of cols) {
      const width = c.avg_width ?? (c.typlen > 0 ? c.typlen : 32);
      rowBytes += width;
      const nd = c.n_distinct ?? 0;
      columns.set(c.name, {
        name: c.name,
        btree: c.btree,
        avgWidth: width,
        nullFrac: c.null_frac ?? 0,
        nDistinct: nd < 0 ? -nd * r.reltuples : nd,
        mcvFreqSum: c.mcv_sum ?? 0,
        mcvCount: c.mcv_count ?? 0,
        correlation: c.correlation,
      });
    }
    const writesPerSecond = r.writes / r.seconds;
    out.set(key, {
      schema,
      table,
      reltuples: r.reltuples,
      relpages: Math.max(r.relpages, 1),
      allVisibleFraction: r.relpages > 0 ? Math.min(1, r.relallvisible / r.relpages) : 0,
      columns,
      rowBytes,
      writesPerSecond,
      writeShare: r.writes + r.reads > 0 ? r.writes / (r.writes + r.reads) : 0,
    });
  }
  return out;
}

export function tableKey(schema: string, table: string): string {
  return JSON.stringify([schema, table]);
}
