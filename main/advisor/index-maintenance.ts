import type pg from 'pg';
import { ADVISOR_MARKER } from './advisor-marker.ts';
import { entryBytes } from './estimate-evaluator.ts';
import type { ExistingIndex } from './existing-indexes.ts';
import type { IndexSpec } from './index-spec.ts';
import { tableKey, type CostSettings, type TableInfo } from './table-stats.ts';
import { loadSqlParser } from '../sql/pg-parser.ts';
import { statementReferences } from '../sql/statement-references.ts';

/** A writing statement of the workload: its text, how often it ran and, where measured, the rows it wrote in all. */
export interface WorkloadWrite {
  query: string;
  calls: number;
  /** Rows written, Σ over its calls (pg_stat_statements' rows). */
  rows: number;
}

/** What the workload wrote to one table: each writing statement's rows and calls (pg_stat_statements' span). */
export interface TableWrites {
  /** `sets`: the columns an UPDATE sets; null for an INSERT, which adds an entry to every index. */
  writes: { sets: ReadonlySet<string> | null; rows: number; calls: number }[];
}

interface ParsedWrite {
  kind: 'insert' | 'update' | 'delete';
  schema: string | undefined;
  table: string;
  setColumns: string[];
}

const PAGE_BYTES = 8192;
const FILL = 0.9;
/** PostgreSQL's btcostestimate charges this many cpu_operator_costs per B-tree page descended. */
const DESCENT_OPERATORS_PER_PAGE = 50;

/**
 * Rows written per table by the workload's INSERTs and UPDATEs. DELETEs are left out: a DELETE only marks heap
 * tuples dead, and VACUUM removes their index entries later, a cost it pays per index whatever the workload reads.
 */
export async function tableWrites(client: pg.Client, writes: readonly WorkloadWrite[]): Promise<Map<string, TableWrites>> {
  const parser = await loadSqlParser();
  const result = new Map<string, TableWrites>();
  const resolved = new Map<string, string | null>();
  for (const write of writes) {
    const parsed = parseWrite((sql) => parser.parse(sql), write.query);
    if (!parsed || parsed.kind === 'delete') continue;
    const name = JSON.stringify([parsed.schema ?? null, parsed.table]);
    if (!resolved.has(name)) resolved.set(name, await resolveTable(client, parsed.schema ?? null, parsed.table));
    const key = resolved.get(name);
    if (!key) continue;
    const entry = result.get(key) ?? { writes: [] };
    entry.writes.push({ sets: parsed.kind === 'insert' ? null : new Set(parsed.setColumns), rows: write.rows, calls: write.calls });
    result.set(key, entry);
  }
  return result;
}

/** The written table and what is written, from PostgreSQL's parse tree; null for anything but a plain write. */
function parseWrite(parse: (sql: string) => { stmts?: { stmt?: Record<string, unknown> }[] }, sql: string): ParsedWrite | null {
  let stmt: Record<string, unknown> | undefined;
  try {
    const tree = parse(sql);
    if (tree.stmts?.length !== 1) return null;
    stmt = tree.stmts[0]!.stmt;
  } catch {
    return null;
  }
  const [kind, body] = Object.entries(stmt ?? {})[0] ?? [];
  const node = body as {
    relation?: { schemaname?: string; relname: string };
    targetList?: { ResTarget?: { name?: string } }[];
  };
  if (!node?.relation) return null;
  const target = { schema: node.relation.schemaname, table: node.relation.relname };
  if (kind === 'InsertStmt') return { kind: 'insert', ...target, setColumns: [] };
  if (kind === 'UpdateStmt') {
    const columns = (node.targetList ?? []).flatMap((t) => (t.ResTarget?.name ? [t.ResTarget.name] : []));
    return { kind: 'update', ...target, setColumns: columns };
  }
  if (kind === 'DeleteStmt') return { kind: 'delete', ...target, setColumns: [] };
  return null;
}

/**
 * The table a written name means on this server (the session's search_path), as tableKey; null if it is not there.
 * Looked up in the catalog by name, not with to_regclass: that raises an error (logged by the server) for a schema
 * the role may not use, where the catalog simply has the row.
 */
async function resolveTable(client: pg.Client, schema: string | null, table: string): Promise<string | null> {
  const { rows } = await client.query<{ schema: string; table: string }>(
    `${ADVISOR_MARKER} SELECT n.nspname AS schema, c.relname AS table
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relname = $2 AND (CASE WHEN $1::text IS NULL THEN n.nspname = ANY (current_schemas(true)) ELSE n.nspname = $1 END)
      ORDER BY array_position(current_schemas(true), n.nspname) NULLS LAST
      LIMIT 1`,
    [schema, table],
  );
  return rows[0] ? tableKey(rows[0].schema, rows[0].table) : null;
}

/**
 * The columns a table's existing indexes use (keys, INCLUDE, predicates): an UPDATE that sets one of them is not
 * HOT, so it adds an entry to every index of the table, a new one included. 'all' when an index has an expression
 * key (its columns are not known here): then every UPDATE counts.
 */
export async function indexedColumns(
  existing: readonly ExistingIndex[],
  schema: string,
  table: string,
): Promise<ReadonlySet<string> | 'all'> {
  const columns = new Set<string>();
  for (const index of existing) {
    if (index.schema !== schema || index.table !== table) continue;
    if (index.keys.some((k) => k === null)) return 'all';
    for (const key of index.keys) columns.add(key!.name);
    for (const c of index.include) columns.add(c);
    for (const c of await predicateColumns(index.predicate)) columns.add(c);
  }
  return columns;
}

/**
 * What keeping `spec` up to date costs over the workload, in planner cost units (the frame of the statements'
 * calls × cost, so it is subtracted from what the index saves): the entries the writes add to it, each costed as
 * PostgreSQL costs finding one entry (btcostestimate: log2(rows) comparisons and 50 cpu_operator_costs per level
 * descended) plus one cpu_index_tuple_cost, and the leaf pages they dirty, each written back with its WAL as one
 * random_page_cost: per call, its rows or the index's leaf pages, whichever is fewer (a batch fills pages it shares).
 * An INSERT adds an entry to every index; an UPDATE only to this one if it sets a column of it, or one of
 * `indexedElsewhere` (the table's other indexes: the update is then not HOT). A BRIN index updates a range's summary
 * only when a row widens it: one comparison a row. A partial index gets the share of rows its predicate holds.
 */
export async function maintenanceCost(
  spec: IndexSpec,
  info: TableInfo,
  writes: TableWrites | undefined,
  settings: CostSettings,
  predicateShare: number,
  indexedElsewhere: ReadonlySet<string> | 'all' = new Set(),
): Promise<number> {
  if (!writes) return 0;
  const mine = new Set([...spec.columns.map((c) => c.name), ...spec.include, ...(await predicateColumns(spec.predicate))]);
  const reaches = (sets: ReadonlySet<string> | null) =>
    sets === null || sets.size === 0 || indexedElsewhere === 'all' || [...sets].some((c) => mine.has(c) || indexedElsewhere.has(c));
  const reaching = writes.writes.filter((w) => reaches(w.sets) && w.rows > 0);
  const rows = reaching.reduce((sum, w) => sum + w.rows, 0);
  if (rows === 0) return 0;
  if (spec.method === 'brin') return rows * settings.cpuOperatorCost;
  const entries = Math.max(info.reltuples * predicateShare, 1);
  const fanout = Math.max(Math.floor((PAGE_BYTES * FILL) / entryBytes(spec, info)), 2);
  const leafPages = Math.max(Math.ceil(entries / fanout), 1);
  const height = Math.ceil(Math.log(leafPages) / Math.log(fanout));
  const descent = (Math.ceil(Math.log2(entries)) + DESCENT_OPERATORS_PER_PAGE * (height + 1)) * settings.cpuOperatorCost;
  const pages = reaching.reduce((sum, w) => sum + w.calls * Math.min((w.rows * predicateShare) / Math.max(w.calls, 1), leafPages), 0);
  return rows * predicateShare * (descent + settings.cpuIndexTupleCost) + pages * settings.randomPageCost;
}

/** The columns a partial index's predicate names (an UPDATE of one may move the row in or out of it). */
async function predicateColumns(predicate: string | null): Promise<string[]> {
  if (!predicate) return [];
  const parser = await loadSqlParser();
  const { columns } = statementReferences(parser.parse(`SELECT WHERE ${predicate}`));
  return columns.flatMap((c) => (c.name === null ? [] : [c.name]));
}
