import { fitOf, specKey } from './candidates.ts';
import type { CostEvaluator } from './hypopg-evaluator.ts';
import type { IndexSpec } from './index-spec.ts';
import type { PlanNode, ScanAccess } from './plan-predicates.ts';
import { tableKey, type CostSettings, type TableInfo } from './table-stats.ts';

export const ESTIMATE_NOTE =
  'Without HypoPG, costs are estimated without the planner: for each table scan of a ' +
  "statement's generic plan, an index scan is costed with PostgreSQL's own formulas (its random_page_cost, seq_page_cost, " +
  "cpu_tuple_cost, cpu_index_tuple_cost and cpu_operator_cost; index pages from reltuples and the columns' average widths; " +
  "heap pages by the Mackert-Lohman formula interpolated by the leading column's pg_stats.correlation; selectivity 1/n_distinct " +
  'for an equality with a parameter, a third for a one-sided range and 0.5% for a two-sided one, as the planner assumes; ' +
  "null_frac for IS [NOT] NULL) and compared with the node's current cost, including a Sort the index makes unnecessary and a LIMIT " +
  'that can stop early, or a parameterized nested loop in place of a hash join. It does not see plan shapes the planner might ' +
  'find beyond these, so treat its numbers as a ranking, not a forecast.';

const PAGE = 8192;
const FILL = 0.9;

/** Bytes of one index entry: the 8-byte tuple header, the keys (8-byte aligned) and its 4-byte line pointer. */
export function entryBytes(spec: IndexSpec, info: TableInfo): number {
  const data = [...spec.columns.map((c) => c.name), ...spec.include].reduce((sum, c) => sum + (info.columns.get(c)?.avgWidth ?? 8), 0);
  return 8 + Math.ceil(data / 8) * 8 + 4;
}

/** Share of the table's rows a partial index holds (its predicate's selectivity). */
export function predicateFraction(spec: IndexSpec, access: ScanAccess | null, info: TableInfo): number {
  if (!spec.predicate) return 1;
  let fraction = 1;
  for (const part of spec.predicate.split(' AND ')) {
    const p = access?.predicates.find((q) => q.constantSql === part);
    const column = p ? info.columns.get(p.column) : undefined;
    if (!p || !column) {
      fraction *= 0.5;
      continue;
    }
    if (p.kind === 'null') fraction *= column.nullFrac;
    else if (p.kind === 'notnull') fraction *= 1 - column.nullFrac;
    else fraction *= eqSelectivity(info, p.column);
  }
  return Math.max(fraction, 1 / Math.max(info.reltuples, 1));
}

export function estimateSizeBytes(spec: IndexSpec, info: TableInfo, fraction = 1): number {
  if (spec.method === 'brin') return (Math.ceil(info.relpages / 128 / 500) + 2) * PAGE;
  const leaf = Math.ceil((info.reltuples * fraction * entryBytes(spec, info)) / (PAGE * FILL));
  return (leaf + Math.ceil(leaf / 200) + 1) * PAGE;
}

function eqSelectivity(info: TableInfo, column: string): number {
  const c = info.columns.get(column);
  if (!c || c.nDistinct <= 0) return 0.005;
  return (1 - c.nullFrac) / Math.max(c.nDistinct, 1);
}

/**
 * The cost of reading `access` through `spec`, for the subtree it replaces (scan, plus the Sort and Limit above
 * it when the index delivers the order; or the whole join when it turns a hash join into a parameterized nested
 * loop), and that subtree's current cost. Null when the index cannot serve the access.
 */
export function estimateAccess(
  spec: IndexSpec,
  access: ScanAccess,
  info: TableInfo,
  k: CostSettings,
): { replaced: number; cost: number } | null {
  const fit = fitOf(spec, access);
  if (fit === 'none') return null;
  const fraction = predicateFraction(spec, access, info);
  const { selectivity, quals } = indexQuals(spec, access, info);
  if (quals === 0 && !access.sort) return null;
  const scan = scanCost(spec, access, info, k, { fraction, selectivity, quals });
  const joinLookup =
    access.join !== null &&
    access.joinColumns.includes(spec.columns[0]!.name) &&
    access.predicates.every((p) => p.column !== spec.columns[0]!.name);
  if (joinLookup && access.join) {
    const other = (access.join.node.Plans ?? []).reduce(
      (sum, child) => (child === access.scan || contains(child, access.scan) ? sum : sum + child['Total Cost']),
      0,
    );
    return {
      replaced: access.join.node['Total Cost'],
      cost: other + access.join.otherRows * scan + access.join.node['Plan Rows'] * k.cpuTupleCost,
    };
  }
  // In a parallel plan the scan's rows are one worker's share and the subtree an index scan replaces includes the
  // Gather (Merge): its rows are all of them and its cost is what is saved.
  const outRows = Math.max((access.gatherNode ?? access.scan)['Plan Rows'], 1);
  const subtree = Math.max(...[access.scan, access.sortNode, access.gatherNode].map((n) => n?.['Total Cost'] ?? 0));
  const ordered = fit === 'full' && access.sort !== null && spec.method === 'btree';
  if (access.sortNode && !ordered) {
    const sort = outRows * Math.log2(Math.max(outRows, 2)) * 2 * k.cpuOperatorCost;
    // A Limit above a Sort the index does not make unnecessary saves little: every row is still read and sorted.
    return { replaced: access.limitNode?.['Total Cost'] ?? subtree, cost: scan + sort };
  }
  if (access.limitNode) {
    const limitRows = Math.max(access.limitNode['Plan Rows'], 1);
    return { replaced: access.limitNode['Total Cost'], cost: scan * Math.min(1, limitRows / outRows) };
  }
  return { replaced: subtree, cost: scan };
}

/**
 * The index's usable leading columns, as the planner takes them: equalities (with a parameter or from a join) on
 * its leading columns, then at most one column of ranges; the product of their selectivities and their count.
 */
function indexQuals(spec: IndexSpec, access: ScanAccess, info: TableInfo): { selectivity: number; quals: number } {
  const eq = new Set([...access.predicates.filter((p) => p.kind === 'eq').map((p) => p.column), ...access.joinColumns]);
  let selectivity = 1;
  let quals = 0;
  for (const column of spec.columns) {
    if (eq.has(column.name)) {
      selectivity *= eqSelectivity(info, column.name);
      quals++;
      continue;
    }
    const ranges = access.predicates.filter((p) => p.kind === 'range' && p.column === column.name).length;
    if (ranges > 0) {
      selectivity *= ranges >= 2 ? 0.005 : 1 / 3;
      quals += ranges;
    }
    break;
  }
  return { selectivity, quals };
}

/** The cost of the scan itself through `spec`: a BRIN bitmap scan, or a B-tree (index-only) scan plus its heap fetches. */
function scanCost(
  spec: IndexSpec,
  access: ScanAccess,
  info: TableInfo,
  k: CostSettings,
  q: { fraction: number; selectivity: number; quals: number },
): number {
  const { fraction, selectivity, quals } = q;
  const T = info.relpages;
  if (spec.method === 'brin') {
    const pages = Math.min(T, Math.ceil(selectivity * T) + 128);
    return (
      2 * k.randomPageCost +
      pages * k.seqPageCost +
      (pages / T) * info.reltuples * (k.cpuTupleCost + k.cpuOperatorCost * access.predicates.length)
    );
  }
  const entries = Math.max(info.reltuples * fraction, 1);
  const rows = Math.max(entries * selectivity, 1);
  const filters = Math.max(0, access.predicates.length - quals);
  const held = new Set([...spec.columns.map((c) => c.name), ...spec.include]);
  const indexOnly = spec.method === 'btree' && access.neededColumns.every((c) => held.has(c));
  const leaf = Math.ceil((entries * entryBytes(spec, info)) / (PAGE * FILL));
  const indexPages = Math.max(1, Math.ceil(selectivity * leaf));
  const descent = (Math.ceil(Math.log2(entries + 1)) + 50) * k.cpuOperatorCost;
  const index = indexPages * k.randomPageCost + rows * (k.cpuIndexTupleCost + quals * k.cpuOperatorCost) + descent;
  const fetched = Math.min((2 * T * rows) / (2 * T + rows), T);
  const maxIo = fetched * k.randomPageCost;
  const minPages = Math.max(1, Math.ceil(selectivity * fraction * T));
  const minIo = k.randomPageCost + (minPages - 1) * k.seqPageCost;
  const correlation = info.columns.get(spec.columns[0]!.name)?.correlation ?? 0;
  let heap = maxIo + correlation * correlation * (minIo - maxIo);
  if (indexOnly) heap *= 1 - info.allVisibleFraction;
  return index + heap + rows * (k.cpuTupleCost + filters * k.cpuOperatorCost);
}

function contains(node: PlanNode, target: PlanNode): boolean {
  return node === target || (node.Plans ?? []).some((child) => contains(child, target));
}

/**
 * The fallback cost model (see ESTIMATE_NOTE): a statement's cost with a configuration is its generic plan's cost
 * minus, for each of its table scans, the largest saving any index of the configuration gives there.
 */
export class EstimateEvaluator implements CostEvaluator {
  readonly method = 'estimate' as const;

  constructor(
    private readonly plans: readonly PlanNode[],
    private readonly accesses: readonly ScanAccess[][],
    private readonly tables: ReadonlyMap<string, TableInfo>,
    private readonly settings: CostSettings,
  ) {}

  async cost(config: readonly IndexSpec[], statement: number): Promise<number> {
    const base = this.plans[statement]!['Total Cost'];
    let saved = 0;
    for (const access of this.accesses[statement] ?? []) {
      // A partition's scan is costed with the partition's own size and statistics (readTables reads each one).
      const scanned = access.partition ?? access;
      const info = this.tables.get(tableKey(scanned.schema, scanned.table)) ?? this.tables.get(tableKey(access.schema, access.table));
      if (!info) continue;
      let best = 0;
      for (const spec of config) {
        const estimate = estimateAccess(spec, access, info, this.settings);
        if (estimate) best = Math.max(best, estimate.replaced - estimate.cost);
      }
      saved += best;
    }
    return Math.max(base - saved, base * 0.001);
  }

  /** The estimate does not re-plan: there is no plan with the configuration in place. */
  async plan(): Promise<null> {
    return null;
  }

  async sizeBytes(spec: IndexSpec): Promise<number> {
    const info = this.tables.get(tableKey(spec.schema, spec.table));
    if (!info) return 0;
    const access =
      this.accesses.flat().find((a) => a.schema === spec.schema && a.table === spec.table && fitOf(spec, a) !== 'none') ?? null;
    return estimateSizeBytes(spec, info, predicateFraction(spec, access, info));
  }

  async close(): Promise<void> {}

  /** For tests and reports: a stable key of a spec. */
  static key(spec: IndexSpec): string {
    return specKey(spec);
  }
}
