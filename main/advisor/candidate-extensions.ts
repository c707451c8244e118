import { fitOf, type Candidate, type Fit } from './candidates.ts';
import type { IndexSpec } from './index-spec.ts';
import type { ScanAccess } from './plan-predicates.ts';
import { tableKey, type TableInfo } from './table-stats.ts';

/**
 * Key columns an extension may grow an index to. Past four, a B-tree's entries grow faster than the rows a further
 * column can exclude: the study's algorithms stop at two on TPC-H, the demo's best index has three.
 */
export const MAX_KEY_COLUMNS = 4;

/**
 * The wider variants of a chosen B-tree, as Extend grows them: its key columns plus one more, taken from what the
 * statements it serves still do with that table (compare, join, sort on, or read). Tried only once the index is
 * chosen, with the rest of the configuration in place, so a column is added where the plans show it still pays.
 */
export function extensionsOf(
  spec: IndexSpec,
  accessesByStatement: readonly ScanAccess[][],
  tables: ReadonlyMap<string, TableInfo>,
): Candidate[] {
  if (spec.method !== 'btree' || spec.columns.length >= MAX_KEY_COLUMNS || spec.include.length > 0) return [];
  const info = tables.get(tableKey(spec.schema, spec.table));
  if (!info) return [];
  const keys = new Set(spec.columns.map((c) => c.name));
  const columns = new Set<string>();
  for (const accesses of accessesByStatement) {
    for (const access of accesses) {
      if (access.schema !== spec.schema || access.table !== spec.table || fitOf(spec, access) === 'none') continue;
      for (const p of access.predicates) columns.add(p.column);
      for (const c of access.joinColumns) columns.add(c);
      for (const s of access.sort ?? []) columns.add(s.column);
      for (const c of access.neededColumns) columns.add(c);
    }
  }
  const wider: Candidate[] = [];
  for (const name of columns) {
    if (keys.has(name) || info.columns.get(name)?.btree !== true) continue;
    const grown: IndexSpec = { ...spec, columns: [...spec.columns, { name, direction: 'asc' }] };
    wider.push({ spec: grown, fits: fitsOf(grown, accessesByStatement) });
  }
  return wider;
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
