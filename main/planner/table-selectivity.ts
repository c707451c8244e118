/**
 * How many chunks a query's filters let through, estimated from PostgreSQL's own statistics (pg_stats) for
 * the chunks table (`PlannerTables`). The selector needs this per query, so the statistics are read once (the engine refreshes them
 * every minute, off the hot path) and `selectivity()` is then pure arithmetic over a few small arrays.
 *
 * The estimate follows the planner's textbook rules: equality on a text column uses the most-common-values list,
 * values absent from it share the remaining frequency evenly over the remaining distinct values; a range on
 * created_at interpolates linearly inside the equi-depth histogram buckets; columns are assumed independent.
 */

import type { HybridFilters, PlannerSql } from './planner-types.ts';
import type { PlannerTables } from './planner-tables.ts';

/** One pg_stats row, reduced to what the estimate needs; timestamps as epoch milliseconds. */
export interface ColumnStatsRow {
  attname: string;
  nullFrac: number;
  /** pg_stats.n_distinct: positive = a count; negative = minus the share of rows that are distinct. */
  nDistinct: number;
  mostCommonVals: readonly string[] | null;
  mostCommonFreqs: readonly number[] | null;
  /** created_at only: the MCV list and histogram bounds as epoch ms. */
  mostCommonMs?: readonly number[] | null;
  histogramMs?: readonly number[] | null;
}

export interface SelectivityStats {
  /** False when pg_stats had nothing for the table: every filter is then estimated as selecting everything. */
  readonly analyzed: boolean;
  /** pg_class.reltuples (PostgreSQL's row estimate); 0 when unknown. */
  readonly rows: number;
  /** Why the estimate is weak and what to do, for the console; null when the statistics are complete. */
  readonly note: string | null;
  /** Estimated share of chunks passing all the filters, 0..1 (1 without filters). */
  selectivity(filters: HybridFilters): number;
}

const chunksName = (tables: PlannerTables): string => `${tables.schema}.${tables.chunks.table}`;

/** Until the first read: no statistics, so no filter is assumed to narrow anything. */
export function unanalyzedStats(tables: PlannerTables): SelectivityStats {
  return {
    analyzed: false,
    rows: 0,
    note: `${chunksName(tables)} has no statistics yet: filter selectivity is assumed to be 1 until ANALYZE runs (the seeder runs it; or run ANALYZE ${chunksName(tables)}).`,
    selectivity: () => 1,
  };
}

const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);

/** Equality / IN on a text column from its MCV list. */
class CategoricalColumn {
  private readonly freqs = new Map<string, number>();
  private readonly restPerValue: number;

  constructor(row: ColumnStatsRow, rows: number) {
    const vals = row.mostCommonVals ?? [];
    const freqs = row.mostCommonFreqs ?? [];
    let mcvTotal = 0;
    for (let i = 0; i < vals.length; i++) {
      const f = freqs[i] ?? 0;
      this.freqs.set(vals[i]!, f);
      mcvTotal += f;
    }
    const distinct = row.nDistinct >= 0 ? row.nDistinct : -row.nDistinct * rows;
    const otherDistinct = distinct - vals.length;
    const rest = Math.max(0, 1 - row.nullFrac - mcvTotal);
    // Every distinct value is in the MCV list: an unlisted value was too rare for ANALYZE's sample to see, so
    // count it as one row rather than zero (zero would make every such query look free).
    this.restPerValue = otherDistinct >= 1 ? rest / otherDistinct : rows > 0 ? 1 / rows : 0;
  }

  selectivity(values: readonly string[]): number {
    let total = 0;
    for (const value of values) total += this.freqs.get(value) ?? this.restPerValue;
    return clamp01(total);
  }
}

/** [since, until) on created_at: MCV timestamps counted exactly, the histogram interpolated. */
class TimeColumn {
  private readonly mcvMs: readonly number[];
  private readonly mcvFreqs: readonly number[];
  private readonly bounds: readonly number[];
  /** Share of rows the histogram describes (not null, not in the MCV list). */
  private readonly histogramShare: number;

  constructor(row: ColumnStatsRow) {
    this.mcvMs = row.mostCommonMs ?? [];
    this.mcvFreqs = row.mostCommonFreqs ?? [];
    this.bounds = row.histogramMs ?? [];
    let mcvTotal = 0;
    for (const f of this.mcvFreqs) mcvTotal += f;
    this.histogramShare = Math.max(0, 1 - row.nullFrac - mcvTotal);
  }

  /** Share of histogram rows below `ms`: whole buckets before it plus the linear part of its own bucket. */
  private below(ms: number): number {
    const b = this.bounds;
    const n = b.length;
    if (n < 2) return ms > (b[0] ?? -Infinity) ? 1 : 0;
    if (ms <= b[0]!) return 0;
    if (ms >= b[n - 1]!) return 1;
    let lo = 0;
    let hi = n - 1; // invariant: b[lo] < ms <= b[hi]
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (b[mid]! < ms) lo = mid;
      else hi = mid;
    }
    const width = b[hi]! - b[lo]!;
    const within = width > 0 ? (ms - b[lo]!) / width : 1;
    return (lo + within) / (n - 1);
  }

  selectivity(since: Date | undefined, until: Date | undefined): number {
    const from = since ? since.getTime() : -Infinity;
    const to = until ? until.getTime() : Infinity;
    if (!(to > from)) return 0;
    let mcv = 0;
    for (let i = 0; i < this.mcvMs.length; i++) {
      const t = this.mcvMs[i]!;
      if (t >= from && t < to) mcv += this.mcvFreqs[i] ?? 0;
    }
    const hist = this.bounds.length > 0 ? this.below(to) - this.below(from) : 0;
    return clamp01(mcv + hist * this.histogramShare);
  }
}

/** Pure: builds the estimator from rows already read (tests give them directly). */
export function selectivityStatsFrom(rows: readonly ColumnStatsRow[], reltuples: number, tables: PlannerTables): SelectivityStats {
  const tableRows = reltuples > 0 ? reltuples : 0;
  const byName = new Map(rows.map((r) => [r.attname, r]));
  if (byName.size === 0) return { ...unanalyzedStats(tables), rows: tableRows };

  const names = tables.chunks;
  const origin = byName.get(names.origin);
  const kind = byName.get(names.kind);
  const created = byName.get(names.createdAt);
  const origins = origin ? new CategoricalColumn(origin, tableRows) : null;
  const kinds = kind ? new CategoricalColumn(kind, tableRows) : null;
  const time = created ? new TimeColumn(created) : null;
  const missing = [!origin && names.origin, !kind && names.kind, !created && names.createdAt].filter(Boolean);

  return {
    analyzed: true,
    rows: tableRows,
    note:
      missing.length === 0
        ? null
        : `pg_stats has no statistics for ${chunksName(tables)} column(s) ${missing.join(', ')}: filters on them are assumed to select every row; run ANALYZE ${chunksName(tables)}.`,
    selectivity(filters: HybridFilters): number {
      // Independence: the product of the per-column shares (no column correlations are kept).
      let s = 1;
      if (filters.origins && origins) s *= origins.selectivity(filters.origins);
      if (filters.kinds && kinds) s *= kinds.selectivity(filters.kinds);
      if ((filters.since || filters.until) && time) s *= time.selectivity(filters.since, filters.until);
      return s;
    },
  };
}

interface PgStatsRow extends Record<string, unknown> {
  attname: string;
  null_frac: number;
  n_distinct: number;
  mcv_text: string[] | null;
  mcv_freqs: number[] | null;
  mcv_ms: number[] | null;
  histogram_ms: number[] | null;
}

/*
 * pg_stats' value columns are `anyarray`, which node-postgres returns as unparsed text; casting through text to
 * a concrete array type lets the driver parse them. created_at's values become epoch ms in SQL (float8[]), so no
 * time-zone or date parsing happens in JS. The CASE keeps the timestamptz cast away from the text columns. $3, $4 and
 * $5 are the origin, kind and created-at columns' names.
 */
const STATS_SQL = `
SELECT s.attname::text AS attname,
       s.null_frac::float8 AS null_frac,
       s.n_distinct::float8 AS n_distinct,
       CASE WHEN s.attname <> $5 THEN s.most_common_vals::text::text[] END AS mcv_text,
       s.most_common_freqs::float8[] AS mcv_freqs,
       CASE WHEN s.attname = $5 THEN ARRAY(
         SELECT (extract(epoch FROM v) * 1000)::float8
         FROM unnest(s.most_common_vals::text::timestamptz[]) WITH ORDINALITY AS u(v, i) ORDER BY i) END AS mcv_ms,
       CASE WHEN s.attname = $5 THEN ARRAY(
         SELECT (extract(epoch FROM b) * 1000)::float8
         FROM unnest(s.histogram_bounds::text::timestamptz[]) WITH ORDINALITY AS u(b, i) ORDER BY i) END AS histogram_ms
FROM pg_stats s
WHERE s.schemaname = $1 AND s.tablename = $2 AND s.attname IN ($3, $4, $5)
ORDER BY s.inherited DESC`;

const RELTUPLES_SQL = `
SELECT c.reltuples::float8 AS reltuples
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relname = $2`;

/** Reads the statistics (two small catalog queries). Run it off the hot path; the result is then pure. */
export async function readColumnStats(sql: PlannerSql, tables: PlannerTables): Promise<SelectivityStats> {
  const { schema, chunks } = tables;
  const [stats, rel] = await Promise.all([
    sql.query<PgStatsRow>(STATS_SQL, [schema, chunks.table, chunks.origin, chunks.kind, chunks.createdAt]),
    sql.query<{ reltuples: number }>(RELTUPLES_SQL, [schema, chunks.table]),
  ]);
  const rows: ColumnStatsRow[] = [];
  const seen = new Set<string>();
  for (const r of stats.rows) {
    // A partitioned table has an `inherited` row (the whole table) first; plain tables only the other one.
    if (seen.has(r.attname)) continue;
    seen.add(r.attname);
    rows.push({
      attname: r.attname,
      nullFrac: Number(r.null_frac) || 0,
      nDistinct: Number(r.n_distinct) || 0,
      mostCommonVals: r.mcv_text,
      mostCommonFreqs: r.mcv_freqs,
      mostCommonMs: r.mcv_ms,
      histogramMs: r.histogram_ms,
    });
  }
  return selectivityStatsFrom(rows, Number(rel.rows[0]?.reltuples ?? 0), tables);
}
