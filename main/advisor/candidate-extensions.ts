import { fitOf, fitsOf, generateCandidates, specKey, type Candidate } from './candidates.ts';
import type { CostEvaluator } from './hypopg-evaluator.ts';
import type { IndexSpec } from './index-spec.ts';
import { scanAccesses, type ScanAccess } from './plan-predicates.ts';
import { quoteIdent } from '../sql/identifiers.ts';
import { tableKey, type TableInfo } from './table-stats.ts';

/**
 * Key columns an extension may grow an index to. Past four, a B-tree's entries grow faster than the rows a further
 * column can exclude, and the index-selection literature stops earlier still.
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

/**
 * Candidates from the plans with the chosen indexes in place (where the evaluator re-plans): with an index on one
 * side of a join, the planner may turn a hash join into a nested loop whose inner side now looks up a key, or a
 * scan keeps filtering on a column the new index lacks. Each new access joins the statement's accesses (so later
 * fits see it), and the candidates generated from the plan are returned with their fits over all accesses.
 */
export async function grownCandidates(
  evaluator: CostEvaluator,
  chosen: readonly IndexSpec[],
  accessesByStatement: ScanAccess[][],
  tables: Map<string, TableInfo>,
): Promise<Candidate[]> {
  const specs = new Map<string, IndexSpec>();
  for (let s = 0; s < accessesByStatement.length; s++) {
    const own = accessesByStatement[s]!;
    const inPlace = chosen.filter((spec) => own.some((a) => fitOf(spec, a) !== 'none'));
    if (inPlace.length === 0) continue;
    const plan = await evaluator.plan(inPlace, s);
    if (!plan) return [];
    const replanned = scanAccesses(plan, quoteIdent);
    own.push(...replanned.filter((a) => !own.some((known) => sameAccess(known, a))));
    // From every access of the plan, not only those new to the analysis: the searches keep their own pools, and
    // one that re-plans the same configuration after another must be offered the same candidates.
    for (const c of generateCandidates([replanned], tables)) specs.set(specKey(c.spec), c.spec);
  }
  return [...specs.values()].map((spec) => ({ spec, fits: fitsOf(spec, accessesByStatement) }));
}

/** Two accesses that would yield the same candidates: same table, conditions, join keys and order. */
function sameAccess(a: ScanAccess, b: ScanAccess): boolean {
  const shape = (x: ScanAccess) =>
    JSON.stringify([
      x.schema,
      x.table,
      x.predicates.map((p) => [p.column, p.kind, p.constantSql]).sort(),
      [...x.joinColumns].sort(),
      x.sort,
      x.limitNode !== null,
    ]);
  return shape(a) === shape(b);
}
