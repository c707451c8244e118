/**
 * Which column each `$n` of a statement is compared to, read from PostgreSQL's parse tree (main/sql/pg-parser.ts),
 * so that a profile generated from pg_stat_statements can draw the parameter from that column's statistics.
 *
 * Recognized: `col = $n` (and `<>`, `!=`), `col < $n`, `<=`, `>`, `>=` (either side), `col IN ($n, …)`,
 * `col [NOT] BETWEEN [SYMMETRIC] $n AND $m`, `col [NOT] LIKE/ILIKE $n`, `LIMIT $n`, `OFFSET $n`; a cast on either
 * side (`col::date = $1::date`) is looked through. Anything else (`$1 + 1`, a function's argument, a select-list
 * constant) leaves the parameter unbound, with the reason.
 *
 * The parse tree is the raw one: names are not resolved. A qualified column (`o.status`) is resolved against the
 * FROM clauses in scope (innermost query first); an unqualified one lists every table in scope as a candidate, in
 * the order SQL looks, and the caller keeps the first that has the column (from the catalog).
 */
import type { SqlParser } from '../sql/pg-parser.ts';

/**
 * How a parameter is used: equal (=, IN, LIKE), the low or high end of a range, the row count of LIMIT/OFFSET, a
 * `shift` added to a column-bound parameter (`col < $1::date + $2::interval`: $2), or a `constant` outside every
 * predicate (the select list, GROUP BY, ORDER BY: `$1 - discount`), where the value barely changes the plan.
 */
export type ParamRole = 'equal' | 'lower' | 'upper' | 'limit' | 'offset' | 'shift' | 'constant';

/** The roles without a column: their values are not drawn from statistics. */
export const COLUMNLESS_ROLES: ReadonlySet<ParamRole> = new Set(['limit', 'offset', 'shift', 'constant']);

/** A table column as written in the statement: `schema` null when the table name is unqualified. */
export interface ColumnCandidate {
  schema: string | null;
  table: string;
  column: string;
}

export interface ParamBinding {
  number: number;
  role: ParamRole;
  /** Where the column may come from, the first in SQL's lookup order first; empty for limit and offset. */
  columns: ColumnCandidate[];
  /** A lower and an upper bound on the same column in the same statement (BETWEEN, `>= $1 AND < $2`). */
  paired: boolean;
}

export interface StatementBindings {
  bindings: ParamBinding[];
  /** Parameters the statement uses that are not compared to a column, each with why. */
  unbound: { number: number; reason: string }[];
}

type Node = Record<string, unknown>;

/** A FROM-clause item: a table (schema null when unqualified) or something else with a name (a subquery, a CTE). */
interface RangeEntry {
  name: string;
  table: { schema: string | null; relname: string } | null;
}

const FLIP: Record<string, ParamRole> = { '<': 'lower', '<=': 'lower', '>': 'upper', '>=': 'upper' };
const COLUMN_ON_LEFT: Record<string, ParamRole> = { '<': 'upper', '<=': 'upper', '>': 'lower', '>=': 'lower' };
const EQUAL_OPERATORS = new Set(['=', '<>', '!=']);
const PREDICATE_KEYS = new Set(['whereClause', 'havingClause', 'quals']);
const LIKE_KINDS = new Set(['AEXPR_LIKE', 'AEXPR_ILIKE']);
const BETWEEN_KINDS = new Set(['AEXPR_BETWEEN', 'AEXPR_NOT_BETWEEN', 'AEXPR_BETWEEN_SYM', 'AEXPR_NOT_BETWEEN_SYM']);

const child = (node: unknown, type: string): Node | null =>
  node !== null && typeof node === 'object' && type in node ? ((node as Node)[type] as Node) : null;
const sval = (node: unknown): string | null => (child(node, 'String')?.['sval'] as string | undefined) ?? null;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/**
 * The parameters of `$1`, `$1 + $2`, `$1::date - $2::interval` (left-nested + and −, casts looked through, plain
 * constants allowed after the first): the first is compared to the column, the others shift it. Null otherwise.
 */
function paramArithmetic(node: unknown): { first: number; shifts: number[] } | null {
  const single = paramNumber(node);
  if (single !== null) return { first: single, shifts: [] };
  const cast = child(node, 'TypeCast');
  if (cast) return paramArithmetic(cast['arg']);
  const expr = child(node, 'A_Expr');
  const operator = sval(list(expr?.['name'])[0]);
  if (!expr || expr['kind'] !== 'AEXPR_OP' || (operator !== '+' && operator !== '-')) return null;
  const left = paramArithmetic(expr['lexpr']);
  if (!left) return null;
  const right = paramNumber(expr['rexpr']);
  if (right !== null) return { first: left.first, shifts: [...left.shifts, right] };
  return isConstant(expr['rexpr']) ? left : null;
}

function isConstant(node: unknown): boolean {
  const cast = child(node, 'TypeCast');
  return cast ? isConstant(cast['arg']) : child(node, 'A_Const') !== null;
}

/** `$n` of a ParamRef node, looking through casts; null for anything else. */
function paramNumber(node: unknown): number | null {
  const cast = child(node, 'TypeCast');
  if (cast) return paramNumber(cast['arg']);
  const ref = child(node, 'ParamRef');
  return ref ? ((ref['number'] as number | undefined) ?? 0) : null;
}

/** The names of a ColumnRef (looking through casts): `['o', 'status']`; null for anything else or `*`. */
function columnNames(node: unknown): string[] | null {
  const cast = child(node, 'TypeCast');
  if (cast) return columnNames(cast['arg']);
  const ref = child(node, 'ColumnRef');
  if (!ref) return null;
  const names = list(ref['fields']).map(sval);
  return names.every((n): n is string => n !== null) ? names : null;
}

/** The tables and other named items of a FROM clause (joins flattened; subqueries named but not entered). */
function rangeEntries(from: unknown[], ctes: ReadonlySet<string>): RangeEntry[] {
  const entries: RangeEntry[] = [];
  const visit = (item: unknown): void => {
    const rangeVar = child(item, 'RangeVar');
    if (rangeVar) {
      const relname = String(rangeVar['relname'] ?? '');
      const schema = (rangeVar['schemaname'] as string | undefined) ?? null;
      const alias = (rangeVar['alias'] as Node | undefined)?.['aliasname'] as string | undefined;
      const isCte = schema === null && ctes.has(relname);
      entries.push({ name: alias ?? relname, table: isCte ? null : { schema, relname } });
      return;
    }
    const join = child(item, 'JoinExpr');
    if (join) {
      visit(join['larg']);
      visit(join['rarg']);
      return;
    }
    for (const type of ['RangeSubselect', 'RangeFunction', 'RangeTableFunc', 'RangeTableSample']) {
      const other = child(item, type);
      if (!other) continue;
      if (type === 'RangeTableSample') return visit(other['relation']);
      const alias = (other['alias'] as Node | undefined)?.['aliasname'] as string | undefined;
      if (alias) entries.push({ name: alias, table: null });
      return;
    }
  };
  for (const item of from) visit(item);
  return entries;
}

/** The tables a column reference may come from, in SQL's lookup order, or why it names no table's column. */
function candidatesFor(names: string[], scopes: readonly RangeEntry[][]): ColumnCandidate[] | string {
  const column = names.at(-1)!;
  const qualifier = names.slice(0, -1);
  if (qualifier.length === 0) {
    const tables = [...scopes]
      .reverse()
      .flat()
      .flatMap((e) => (e.table ? [{ schema: e.table.schema, table: e.table.relname, column }] : []));
    return tables.length > 0 ? tables : `${column} is not a table's column (no table in its FROM clause)`;
  }
  const [schema, name] = qualifier.length >= 2 ? [qualifier.at(-2)!, qualifier.at(-1)!] : [null, qualifier[0]!];
  for (const scope of [...scopes].reverse()) {
    const entry = scope.find((e) =>
      schema === null ? e.name === name : e.table !== null && e.table.schema === schema && e.table.relname === name,
    );
    if (!entry) continue;
    if (!entry.table) return `${names.join('.')} is a column of a subquery, CTE or function, not of a table`;
    return [{ schema: entry.table.schema, table: entry.table.relname, column }];
  }
  return `${names.join('.')} names no table of its FROM clause`;
}

const shiftsOf = (uses: { shifts: number[] }): ParamUse[] => uses.shifts.map((n) => ({ number: n, role: 'shift', column: null }));

/** A parameter used in one expression: with the role and the other side's node, or why it is not bound. */
type ParamUse = { number: number; role: ParamRole; column: unknown } | { number: number; reason: string };

/** The parameters an A_Expr compares to something: `col op $n` either way round, IN, LIKE, BETWEEN. */
function parameterUses(expr: Node): ParamUse[] {
  const kind = String(expr['kind'] ?? '');
  const operator = sval(list(expr['name'])[0]) ?? '';
  const left = expr['lexpr'];
  const right = expr['rexpr'];
  const items = list(child(right, 'List')?.['items']).map(paramNumber);
  if (kind === 'AEXPR_OP' && (EQUAL_OPERATORS.has(operator) || operator in FLIP)) {
    const [leftParams, rightParams] = [paramArithmetic(left), paramArithmetic(right)];
    if (rightParams !== null && leftParams === null)
      return [{ number: rightParams.first, role: COLUMN_ON_LEFT[operator] ?? 'equal', column: left }, ...shiftsOf(rightParams)];
    if (leftParams !== null && rightParams === null)
      return [{ number: leftParams.first, role: FLIP[operator] ?? 'equal', column: right }, ...shiftsOf(leftParams)];
    return [];
  }
  const param = paramNumber(right);
  if (LIKE_KINDS.has(kind)) return param === null ? [] : [{ number: param, role: 'equal', column: left }];
  if (kind === 'AEXPR_OP_ANY' || kind === 'AEXPR_OP_ALL') {
    return param === null ? [] : [{ number: param, reason: 'an array (= ANY/ALL ($n)): one value of the column does not fit it' }];
  }
  if (kind === 'AEXPR_IN') return items.flatMap((n) => (n === null ? [] : [{ number: n, role: 'equal' as const, column: left }]));
  if (BETWEEN_KINDS.has(kind)) {
    // Each end may be an arithmetic of parameters too: `d BETWEEN $1 - $2 AND $3 + $4`.
    const [low, high] = list(child(right, 'List')?.['items']).map(paramArithmetic);
    return [
      ...(low ? [{ number: low.first, role: 'lower' as const, column: left }, ...shiftsOf(low)] : []),
      ...(high ? [{ number: high.first, role: 'upper' as const, column: left }, ...shiftsOf(high)] : []),
    ];
  }
  return [];
}

/**
 * Every `$n` of the (single) statement in `sql`, bound to a column where it is compared to one. Numbers that are
 * not used do not appear; `parser` must be loaded.
 */
export function bindParameters(parser: SqlParser, sql: string): StatementBindings {
  const tree = parser.parse(sql);
  const found = new Map<number, ParamBinding>();
  const why = new Map<number, string>();
  const used = new Set<number>();
  const scopes: RangeEntry[][] = [];
  // CTE names of the enclosing queries too: a subquery may read its outer query's WITH.
  const cteScopes: Set<string>[] = [];
  // Parameters met inside a WHERE, HAVING or JOIN … ON: they decide which rows are read.
  const inPredicate = new Set<number>();
  let predicateDepth = 0;

  const bind = (number: number, role: ParamRole, names: string[] | null): void => {
    if (found.has(number)) return;
    if (COLUMNLESS_ROLES.has(role)) {
      found.set(number, { number, role, columns: [], paired: false });
      return;
    }
    const candidates = names ? candidatesFor(names, scopes) : 'not compared to a column';
    if (typeof candidates === 'string') why.set(number, candidates);
    else found.set(number, { number, role, columns: candidates, paired: false });
  };

  const visitExpression = (expr: Node): void => {
    for (const use of parameterUses(expr)) {
      if ('reason' in use) {
        if (!why.has(use.number)) why.set(use.number, use.reason);
      } else bind(use.number, use.role, columnNames(use.column));
    }
  };

  const walk = (value: unknown, key: string | null): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item, null);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const node = value as Node;
    if (key === 'SelectStmt') {
      const ctes = new Set(
        list((node['withClause'] as Node | undefined)?.['ctes']).flatMap((c) => {
          const name = child(c, 'CommonTableExpr')?.['ctename'];
          return typeof name === 'string' ? [name] : [];
        }),
      );
      cteScopes.push(ctes);
      scopes.push(rangeEntries(list(node['fromClause']), new Set(cteScopes.flatMap((names) => [...names]))));
      const limit = paramNumber(node['limitCount']);
      if (limit !== null) bind(limit, 'limit', null);
      const offset = paramNumber(node['limitOffset']);
      if (offset !== null) bind(offset, 'offset', null);
    }
    if (key === 'A_Expr') visitExpression(node);
    if (key === 'ParamRef') {
      const number = (node['number'] as number | undefined) ?? 0;
      used.add(number);
      if (predicateDepth > 0) inPredicate.add(number);
    }
    for (const [childKey, childValue] of Object.entries(node)) {
      const predicate = PREDICATE_KEYS.has(childKey);
      if (predicate) predicateDepth += 1;
      walk(childValue, childKey);
      if (predicate) predicateDepth -= 1;
    }
    if (key === 'SelectStmt') {
      scopes.pop();
      cteScopes.pop();
    }
  };
  walk(tree.stmts ?? [], null);

  // Outside every predicate, a parameter's value barely changes the plan: a neutral constant of its type stands in.
  for (const number of used) {
    if (!found.has(number) && !inPredicate.has(number) && !why.has(number)) {
      found.set(number, { number, role: 'constant', columns: [], paired: false });
    }
  }
  markPairs(found);
  const bindings = [...found.values()].filter((b) => used.has(b.number)).sort((a, b) => a.number - b.number);
  const unbound = [...used]
    .filter((n) => !found.has(n))
    .sort((a, b) => a - b)
    .map((number) => ({
      number,
      reason: why.get(number) ?? 'not compared to a column (recognized: col = $n, <, <=, >, >=, IN, BETWEEN, LIKE, and LIMIT/OFFSET $n)',
    }));
  return { bindings, unbound };
}

/** A column with both a lower and an upper bound in the statement: its bounds are drawn so that low ≤ high. */
function markPairs(found: Map<number, ParamBinding>): void {
  const key = (b: ParamBinding) => JSON.stringify(b.columns);
  const lowers = new Set([...found.values()].filter((b) => b.role === 'lower').map(key));
  const uppers = new Set([...found.values()].filter((b) => b.role === 'upper').map(key));
  for (const binding of found.values()) {
    if ((binding.role === 'lower' && uppers.has(key(binding))) || (binding.role === 'upper' && lowers.has(key(binding)))) {
      binding.paired = true;
    }
  }
}
