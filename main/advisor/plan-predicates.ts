import { columnsOf, conjuncts, isLiteral, parseExpression, parseSortKey, stripCasts, type Expr } from './plan-expression.ts';

/** One node of EXPLAIN (FORMAT JSON)'s tree, with the fields the advisor reads. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Schema?: string;
  Alias?: string;
  'Index Name'?: string;
  'Startup Cost': number;
  'Total Cost': number;
  'Plan Rows': number;
  'Plan Width'?: number;
  Filter?: string;
  'Index Cond'?: string;
  'Recheck Cond'?: string;
  'Hash Cond'?: string;
  'Merge Cond'?: string;
  'Join Filter'?: string;
  'Sort Key'?: string[];
  Output?: string[];
  'Parent Relationship'?: string;
  /** Not EXPLAIN's: the partitioned table at the root of the scanned partition's tree (partition-roots.ts). */
  'Partition Root'?: { schema: string; table: string };
  Plans?: PlanNode[];
  [key: string]: unknown;
}

/** A predicate on one column of a scanned relation. */
export interface ColumnPredicate {
  column: string;
  /** eq: `= $1` / `= ANY($1)` / `= 'x'`; range: `<`, `>=` …; null / notnull: `IS [NOT] NULL`. */
  kind: 'eq' | 'range' | 'null' | 'notnull';
  /** For partial indexes: the predicate as SQL with the constant as the plan printed it, when the value is a literal. */
  constantSql: string | null;
}

/** How one statement reads one table: the material candidates are made of. */
export interface ScanAccess {
  /** The table an index for this access goes on: the scanned relation, or the partitioned table it is a partition of. */
  schema: string;
  table: string;
  /** When the plan scans a partition of `schema.table`: that partition (whose own size and statistics cost its scan). */
  partition?: { schema: string; table: string };
  alias: string;
  scan: PlanNode;
  predicates: ColumnPredicate[];
  /** Columns this relation is joined on (its side of `a.x = b.y`). */
  joinColumns: string[];
  /** The join node above the scan and the row count of the other side (for a parameterized nested loop estimate). */
  join: { node: PlanNode; otherRows: number } | null;
  /** ORDER BY served by a Sort node directly above the scan, when every key is a column of this relation. */
  sort: { column: string; direction: 'asc' | 'desc' }[] | null;
  sortNode: PlanNode | null;
  /**
   * A Limit directly above the scan or its Sort (with only transparent nodes between: a parallel plan puts a
   * Gather Merge between the Limit and the workers' Sort).
   */
  limitNode: PlanNode | null;
  /**
   * The topmost Gather / Gather Merge between the scan and its Limit, in a parallel plan: its Plan Rows are the
   * scan's rows over all workers (the scan's own are one worker's share) and its cost is what a plain index scan
   * replaces.
   */
  gatherNode: PlanNode | null;
  /** Columns the statement needs from this relation (outputs and conditions): what a covering index must hold. */
  neededColumns: string[];
  /** True when some condition could not be read into column predicates (an OR, a function of a column …). */
  opaqueConditions: boolean;
}

/**
 * Nodes that pass their input's rows on in order. LockRows is SELECT … FOR UPDATE / SHARE's (`Limit → LockRows →
 * Sort → Scan`: the Limit still stops the ordered stream early).
 */
const TRANSPARENT = new Set(['Hash', 'Materialize', 'Memoize', 'Gather', 'Gather Merge', 'Result', 'Incremental Sort', 'LockRows']);

/** `col`, `alias.col`, `schema.table.col` → the column name when it belongs to this relation. */
function ownColumn(expr: Expr, alias: string): string | null {
  const inner = stripCasts(expr);
  if (inner.kind !== 'column') return null;
  return inner.qualifier === null || inner.qualifier === alias ? inner.name : null;
}

function readsOnlyOthers(expr: Expr, alias: string): boolean {
  return columnsOf(expr).every((c) => c.qualifier !== null && c.qualifier !== alias);
}

/** Renders a literal back to SQL: `'open'::text`, `42`. */
function literalSql(expr: Expr): string {
  if (expr.kind === 'cast') return `${literalSql(expr.arg)}::${expr.type}`;
  return expr.kind === 'const' ? expr.text : '';
}

const FLIP: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '=': '=' };

/** Column predicates of one condition of a scan; `opaque` tells whether something was left unread. */
export function predicatesOf(
  condition: string,
  alias: string,
  quote: (name: string) => string,
): { predicates: ColumnPredicate[]; opaque: boolean } {
  const predicates: ColumnPredicate[] = [];
  let opaque = false;
  for (const part of conjuncts(parseExpression(condition))) {
    if (part.kind === 'null-test') {
      const column = ownColumn(part.arg, alias);
      if (column)
        predicates.push({
          column,
          kind: part.negated ? 'notnull' : 'null',
          constantSql: `${quote(column)} IS ${part.negated ? 'NOT ' : ''}NULL`,
        });
      else opaque = true;
      continue;
    }
    if (part.kind === 'any' && part.op === '=') {
      const column = ownColumn(part.left, alias);
      if (column && readsOnlyOthers(part.right, alias)) predicates.push({ column, kind: 'eq', constantSql: null });
      else opaque = true;
      continue;
    }
    if (part.kind === 'op' && part.op in FLIP) {
      let column = ownColumn(part.left, alias);
      let other = part.right;
      let op = part.op;
      if (!column || !readsOnlyOthers(other, alias)) {
        column = ownColumn(part.right, alias);
        other = part.left;
        op = FLIP[part.op]!;
      }
      if (column && readsOnlyOthers(other, alias)) {
        const constantSql = op === '=' && isLiteral(other) ? `${quote(column)} = ${literalSql(other)}` : null;
        predicates.push({ column, kind: op === '=' ? 'eq' : 'range', constantSql });
        continue;
      }
    }
    opaque = true;
  }
  return { predicates, opaque };
}

/** Join columns of `alias` in a join condition: its side of every `a.x = b.y`. */
function joinColumnsOf(condition: string, alias: string): string[] {
  const out: string[] = [];
  for (const part of conjuncts(parseExpression(condition))) {
    if (part.kind !== 'op' || part.op !== '=') continue;
    const left = stripCasts(part.left);
    const right = stripCasts(part.right);
    if (left.kind !== 'column' || right.kind !== 'column' || left.qualifier === right.qualifier) continue;
    if (left.qualifier === alias) out.push(left.name);
    if (right.qualifier === alias) out.push(right.name);
  }
  return out;
}

function uniq<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** Every relation scan of a plan with what the statement asks of it. */
export function scanAccesses(root: PlanNode, quote: (name: string) => string): ScanAccess[] {
  const accesses: ScanAccess[] = [];
  const joinConditions: { node: PlanNode; text: string }[] = [];
  const visit = (node: PlanNode, ancestors: PlanNode[]): void => {
    for (const key of ['Hash Cond', 'Merge Cond', 'Join Filter'] as const) {
      const text = node[key];
      if (typeof text === 'string') joinConditions.push({ node, text });
    }
    if (typeof node['Relation Name'] === 'string' && /Scan$/.test(node['Node Type'])) {
      accesses.push(readScan(node, ancestors, quote));
    }
    for (const child of node.Plans ?? []) visit(child, [...ancestors, node]);
  };
  visit(root, []);
  // Join conditions sit above the scans; Index Cond of an inner index scan may name another alias too.
  for (const access of accesses) {
    const found: string[] = [];
    for (const { node, text } of joinConditions) {
      const columns = joinColumnsOf(text, access.alias);
      if (columns.length > 0) {
        found.push(...columns);
        if (!access.join) access.join = { node, otherRows: otherSideRows(node, access.scan) };
      }
    }
    for (const key of ['Index Cond', 'Recheck Cond', 'Filter'] as const) {
      const text = access.scan[key];
      if (typeof text === 'string') found.push(...joinColumnsOf(text, access.alias));
    }
    access.joinColumns = uniq(found);
    access.neededColumns = uniq([...access.neededColumns, ...access.joinColumns]);
  }
  return accesses;
}

function contains(node: PlanNode, target: PlanNode): boolean {
  return node === target || (node.Plans ?? []).some((child) => contains(child, target));
}

function otherSideRows(join: PlanNode, scan: PlanNode): number {
  const other = (join.Plans ?? []).find((child) => !contains(child, scan));
  return other ? other['Plan Rows'] : 1;
}

function readScan(node: PlanNode, ancestors: PlanNode[], quote: (name: string) => string): ScanAccess {
  const alias = node.Alias ?? node['Relation Name']!;
  const { predicates, opaque, needed } = readConditions(node, alias, quote);
  const { sort, sortNode, limitNode, gatherNode } = orderAbove(ancestors, alias);
  if (sort) for (const s of sort) needed.add(s.column);
  const scanned = { schema: node.Schema ?? 'public', table: node['Relation Name']! };
  const root = node['Partition Root'];
  return {
    ...(root ?? scanned),
    ...(root ? { partition: scanned } : {}),
    alias,
    scan: node,
    predicates,
    joinColumns: [],
    join: null,
    sort,
    sortNode,
    limitNode,
    gatherNode,
    neededColumns: [...needed],
    opaqueConditions: opaque,
  };
}

/** The scan's own conditions read as column predicates, and every column of the alias it outputs or tests. */
function readConditions(
  node: PlanNode,
  alias: string,
  quote: (name: string) => string,
): { predicates: ColumnPredicate[]; opaque: boolean; needed: Set<string> } {
  const predicates: ColumnPredicate[] = [];
  let opaque = false;
  // A Recheck Cond repeats its Index Cond; both bounds of a range on one column are two predicates (a two-sided
  // range is far more selective than a one-sided one), so conditions are deduplicated, not predicates.
  const conditions = [
    ...new Set([node.Filter, node['Index Cond'], node['Recheck Cond']].filter((c): c is string => typeof c === 'string')),
  ];
  for (const condition of conditions) {
    const read = predicatesOf(condition, alias, quote);
    opaque ||= read.opaque;
    predicates.push(...read.predicates);
  }
  const needed = new Set<string>(predicates.map((p) => p.column));
  for (const output of node.Output ?? [])
    for (const c of columnsOf(parseExpression(output))) if (c.qualifier === null || c.qualifier === alias) needed.add(c.name);
  for (const condition of conditions)
    for (const c of columnsOf(parseExpression(condition))) if (c.qualifier === null || c.qualifier === alias) needed.add(c.name);
  return { predicates, opaque, needed };
}

/**
 * What the plan asks of the scan's order, read up its ancestors past transparent nodes: the Sort on its own
 * columns an index could make unnecessary, a Limit that could stop it early, and a Gather it runs under.
 */
function orderAbove(ancestors: PlanNode[], alias: string): Pick<ScanAccess, 'sort' | 'sortNode' | 'limitNode' | 'gatherNode'> {
  let sort: ScanAccess['sort'] = null;
  let sortNode: PlanNode | null = null;
  let limitNode: PlanNode | null = null;
  let gatherNode: PlanNode | null = null;
  let i = ancestors.length - 1;
  // Skips transparent nodes (not an Incremental Sort, which is read as a Sort), noting a Gather on the way.
  const skipTransparent = () => {
    while (i >= 0 && TRANSPARENT.has(ancestors[i]!['Node Type']) && ancestors[i]!['Node Type'] !== 'Incremental Sort') {
      if (ancestors[i]!['Node Type'] === 'Gather' || ancestors[i]!['Node Type'] === 'Gather Merge') gatherNode = ancestors[i]!;
      i--;
    }
  };
  skipTransparent();
  const passesRows = new Set(['Gather', 'Gather Merge', 'LockRows']);
  const nothingBetween = i === ancestors.length - 1 || ancestors.slice(i + 1).every((a) => passesRows.has(a['Node Type']));
  const parent = ancestors[i];
  let sorted = false;
  if (parent && (parent['Node Type'] === 'Sort' || parent['Node Type'] === 'Incremental Sort') && parent['Sort Key']) {
    const keys = parent['Sort Key'].map(parseSortKey);
    const columns = keys.map((k) => ownColumn(k.expr, alias));
    if (columns.every((c): c is string => c !== null)) {
      sort = columns.map((column, k) => ({ column, direction: keys[k]!.direction }));
      sortNode = parent;
    }
    sorted = true;
    i--;
    // Limit → Gather Merge → Sort → Parallel Seq Scan: the Limit still stops the merged, ordered stream early.
    skipTransparent();
  }
  const above = ancestors[i];
  if (above && above['Node Type'] === 'Limit' && (sortNode || (!sorted && nothingBetween))) limitNode = above;
  return { sort, sortNode, limitNode, gatherNode };
}
