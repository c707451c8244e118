import type { IndexSpec } from './index-spec.ts';
import type { ScanAccess } from './plan-predicates.ts';
import type { TableInfo } from './table-stats.ts';
import { tableKey } from './table-stats.ts';

/** How well an index serves one statement's access to a table. */
export type Fit = 'full' | 'partial' | 'none';

export interface Candidate {
  spec: IndexSpec;
  /** statement index → fit, for every statement it could serve. */
  fits: Map<number, Fit>;
}

/** BRIN only where the heap is in value order: abs(pg_stats.correlation) at least this. */
export const BRIN_MIN_CORRELATION = 0.95;
/** A BRIN range summarizes 128 pages: below a few ranges it cannot skip anything. */
const BRIN_MIN_PAGES = 256;

export function specKey(spec: IndexSpec): string {
  return JSON.stringify([
    spec.schema,
    spec.table,
    spec.method,
    spec.columns.map((c) => [c.name, c.direction]),
    spec.include,
    spec.predicate,
  ]);
}

/** Equality-like columns of an access: `= $1`, `= ANY`, constants not folded into a partial predicate, join keys. */
function equalityColumns(access: ScanAccess, predicate: string | null): string[] {
  const inPredicate = new Set(predicate ? predicate.split(' AND ') : []);
  const eq = access.predicates.filter((p) => p.kind === 'eq' && !(p.constantSql && inPredicate.has(p.constantSql))).map((p) => p.column);
  return [...new Set([...eq, ...access.joinColumns])];
}

/** The constant conditions a partial index can carry: `IS [NOT] NULL` always, `= literal` when the text kept one. */
function constantConditions(access: ScanAccess): string[] {
  return [...new Set(access.predicates.filter((p) => p.constantSql !== null).map((p) => p.constantSql!))];
}

/**
 * How an index serves an access. `full`: every equality (and join key) is a leading key column, then the
 * ORDER BY follows in order (or reversed: a backward scan), else a range column: the scan reads only rows it
 * returns, and with a LIMIT only as many as it returns, whatever the parameters. `partial`: it can start the scan
 * (its first column is compared or sorted on). A partial index is usable only where the statement implies its
 * predicate.
 */
export function fitOf(spec: IndexSpec, access: ScanAccess): Fit {
  if (spec.schema !== access.schema || spec.table !== access.table) return 'none';
  const constants = constantConditions(access);
  if (spec.predicate !== null && !spec.predicate.split(' AND ').every((part) => constants.includes(part))) return 'none';
  const eq = equalityColumns(access, spec.predicate);
  const ranges = access.predicates.filter((p) => p.kind === 'range').map((p) => p.column);
  const nullTests = access.predicates.filter(
    (p) => (p.kind === 'null' || p.kind === 'notnull') && !(spec.predicate ?? '').includes(p.constantSql!),
  );
  const first = spec.columns[0]!.name;
  if (spec.method === 'brin') {
    if (!ranges.includes(first)) return 'none';
    return eq.length === 0 && !access.sort && nullTests.length === 0 ? 'full' : 'partial';
  }
  const starts = eq.includes(first) || ranges.includes(first) || access.sort?.[0]?.column === first;
  if (!starts) return 'none';
  const prefix = equalityPrefix(spec, eq);
  if (!prefix.coversAll || nullTests.length > 0) return 'partial';
  return fitAfterEqualities(spec, access, eq, ranges, prefix.length);
}

/** How many leading key columns the equalities cover, and whether every equality is among them. */
function equalityPrefix(spec: IndexSpec, eq: readonly string[]): { length: number; coversAll: boolean } {
  let i = 0;
  const remainingEq = new Set(eq);
  while (i < spec.columns.length && remainingEq.has(spec.columns[i]!.name)) remainingEq.delete(spec.columns[i++]!.name);
  return { length: i, coversAll: remainingEq.size === 0 };
}

/**
 * After an equality prefix of `i` columns that covers every equality: the ORDER BY following in order (or all
 * reversed), else a range column, else a non-empty prefix alone makes the fit full.
 */
function fitAfterEqualities(spec: IndexSpec, access: ScanAccess, eq: readonly string[], ranges: readonly string[], i: number): Fit {
  const sort = (access.sort ?? []).filter((s) => !eq.includes(s.column));
  if (sort.length > 0) {
    const rest = spec.columns.slice(i, i + sort.length);
    if (rest.length < sort.length || rest.some((c, k) => c.name !== sort[k]!.column)) return 'partial';
    const same = rest.every((c, k) => c.direction === sort[k]!.direction);
    const reversed = rest.every((c, k) => c.direction !== sort[k]!.direction);
    return same || reversed ? 'full' : 'partial';
  }
  if (ranges.length > 0) return i < spec.columns.length && ranges.includes(spec.columns[i]!.name) ? 'full' : 'partial';
  return i > 0 ? 'full' : 'partial';
}

const asc = (name: string) => ({ name, direction: 'asc' as const });

/** The key column lists worth trying for one access, best-shaped first. */
function keyShapes(access: ScanAccess, info: TableInfo, predicate: string | null): IndexSpec['columns'][] {
  const usable = (c: string) => info.columns.get(c)?.btree === true;
  // Most distinct values first among equalities: the same rows either way, but a more selective leading column
  // makes the index useful to more statements (those that only have it).
  const eq = equalityColumns(access, predicate)
    .filter(usable)
    .sort((a, b) => info.columns.get(b)!.nDistinct - info.columns.get(a)!.nDistinct);
  const ranges = [...new Set(access.predicates.filter((p) => p.kind === 'range').map((p) => p.column))].filter(usable);
  const sortAll = access.sort && access.sort.every((s) => usable(s.column)) ? access.sort.filter((s) => !eq.includes(s.column)) : null;
  const shapes: IndexSpec['columns'][] = [];
  const head = eq.slice(0, 3).map(asc);
  const sorted =
    sortAll !== null && sortAll.length > 0 && (access.limitNode !== null || ranges.length === 0 || ranges[0] === sortAll[0]!.column);
  if (sorted) shapes.push([...head, ...sortAll.map((s) => ({ name: s.column, direction: s.direction }))]);
  // The same keys in the ORDER BY's direction already serve a range on the sort column: no ascending twin.
  for (const range of ranges) if (!(sorted && sortAll[0]!.column === range)) shapes.push([...head, asc(range)]);
  if (head.length > 0) shapes.push(head);
  for (const column of eq) shapes.push([asc(column)]);
  if (sortAll && sortAll.length > 0) shapes.push(sortAll.map((s) => ({ name: s.column, direction: s.direction })));
  for (const range of ranges) shapes.push([asc(range)]);
  return shapes.filter((shape) => shape.length > 0);
}

/**
 * Candidate indexes for the accesses of every statement: single and multi-column B-trees (equalities first, then
 * the sort or range column, with the ORDER BY's directions), partial variants for constant conditions,
 * BRIN for range columns of well-correlated tables, and a covering variant where an index-only scan would
 * replace heap visits of many rows. Each candidate's fit is then judged against every statement.
 */
export function generateCandidates(accessesByStatement: ScanAccess[][], tables: Map<string, TableInfo>): Candidate[] {
  const specs = new Map<string, IndexSpec>();
  const add = (spec: IndexSpec) => {
    if (spec.columns.length > 0) specs.set(specKey(spec), spec);
  };
  for (const accesses of accessesByStatement) {
    for (const access of accesses) {
      const info = tables.get(tableKey(access.schema, access.table));
      if (!info) continue;
      const base = { schema: access.schema, table: access.table, include: [] as string[], method: 'btree' as const };
      const constants = constantConditions(access).filter((sql) => {
        const p = access.predicates.find((q) => q.constantSql === sql);
        return p !== undefined && info.columns.has(p.column);
      });
      const predicates = constants.length > 0 ? [null, constants.join(' AND ')] : [null];
      for (const predicate of predicates) {
        const shapes = keyShapes(access, info, predicate);
        if (shapes.length === 0 && predicate !== null) {
          const column = access.predicates.find((p) => p.constantSql !== null)!.column;
          shapes.push(access.sort?.map((s) => ({ name: s.column, direction: s.direction })) ?? [asc(column)]);
        }
        for (const columns of shapes) add({ ...base, columns, predicate });
        const best = shapes[0];
        if (best && !access.limitNode && info.allVisibleFraction >= 0.5) {
          const keys = new Set(best.map((c) => c.name));
          const extra = access.neededColumns.filter((c) => !keys.has(c) && info.columns.has(c));
          if (extra.length > 0 && extra.length <= 3 && extra.every((c) => info.columns.get(c)!.avgWidth <= 32)) {
            add({ ...base, columns: best, predicate, include: extra });
          }
        }
      }
      for (const p of access.predicates) {
        const column = info.columns.get(p.column);
        if (p.kind === 'range' && column && info.relpages >= BRIN_MIN_PAGES && Math.abs(column.correlation ?? 0) >= BRIN_MIN_CORRELATION) {
          add({ ...base, method: 'brin', columns: [asc(p.column)], predicate: null });
        }
      }
    }
  }
  return [...specs.values()].map((spec) => ({ spec, fits: fitsOf(spec, accessesByStatement) }));
}

/** The best fit of a spec over each statement's accesses, for the statements it fits at all. */
export function fitsOf(spec: IndexSpec, accessesByStatement: readonly ScanAccess[][]): Map<number, Fit> {
  const fits = new Map<number, Fit>();
  accessesByStatement.forEach((accesses, s) => {
    let best: Fit = 'none';
    for (const access of accesses) {
      const fit = fitOf(spec, access);
      if (fit === 'full' || (fit === 'partial' && best === 'none')) best = fit;
    }
    if (best !== 'none') fits.set(s, best);
  });
  return fits;
}
