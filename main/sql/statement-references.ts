/**
 * What one statement's parse tree refers to: the relations it reads or writes (with the privilege each needs), the
 * columns it names, and the functions it calls by name. Read from PostgreSQL's parse tree (pg-parser.ts), before the
 * statement is sent anywhere, so a caller can check with catalog reads that cannot fail that the server would accept
 * it, instead of finding out from an error (which lands in the server's log).
 *
 * Names are as the parse tree holds them: unquoted names folded to lower case, quoted ones as written. A CTE's name
 * is not a relation: an unqualified reference to a name some WITH of the statement defines is left out (without
 * tracking which WITH is in scope where: a CTE that shadows a table of the same name elsewhere in the statement
 * hides that table from the check, never the other way round).
 */

export type Privilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

export interface RelationReference {
  schema: string | null;
  name: string;
  /** The names the statement calls it by: its own name and its aliases. */
  aliases: string[];
  privileges: Privilege[];
}

export interface ColumnReference {
  /** `alias.column` → the alias (or table name); null for a bare column. */
  qualifier: string | null;
  /** Null for `*` / `alias.*`. */
  name: string | null;
}

export interface FunctionReference {
  schema: string | null;
  name: string;
}

export interface StatementReferences {
  relations: RelationReference[];
  columns: ColumnReference[];
  functions: FunctionReference[];
}

type Node = Record<string, unknown>;

interface RangeVarNode {
  schemaname?: string;
  relname?: string;
  alias?: { aliasname?: string };
}

const sval = (node: unknown): string | null => (node as { String?: { sval?: string } } | undefined)?.String?.sval ?? null;

/** The target of a data-modifying statement and the privilege writing it needs. */
const TARGETS: Record<string, Privilege> = { InsertStmt: 'INSERT', UpdateStmt: 'UPDATE', DeleteStmt: 'DELETE' };

/** The references of a parse tree (`parser.parse(sql)`, or any node of it). */
export function statementReferences(tree: unknown): StatementReferences {
  const cteNames = new Set<string>();
  const relations = new Map<string, RelationReference>();
  const columns: ColumnReference[] = [];
  const functions = new Map<string, FunctionReference>();
  const addRelation = (rv: RangeVarNode, privilege: Privilege) => {
    if (!rv.relname) return;
    const key = JSON.stringify([rv.schemaname ?? null, rv.relname]);
    const seen = relations.get(key) ?? { schema: rv.schemaname ?? null, name: rv.relname, aliases: [rv.relname], privileges: [] };
    if (rv.alias?.aliasname && !seen.aliases.includes(rv.alias.aliasname)) seen.aliases.push(rv.alias.aliasname);
    if (!seen.privileges.includes(privilege)) seen.privileges.push(privilege);
    relations.set(key, seen);
  };
  const visit = (node: unknown, parentKey: string | null): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child, parentKey);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as Node)) {
      // FOR UPDATE OF x names an alias (or a table the FROM names already): read with its SELECT, never walked.
      if (key === 'lockingClause') continue;
      if (key === 'CommonTableExpr') {
        const name = (value as { ctename?: string }).ctename;
        if (name) cteNames.add(name);
      }
      if (key in TARGETS) {
        const stmt = value as { relation?: RangeVarNode; whereClause?: unknown };
        if (stmt.relation) {
          addRelation(stmt.relation, TARGETS[key]!);
          // An UPDATE or DELETE reads the rows its WHERE tests: that needs SELECT on the columns named there.
          if (key !== 'InsertStmt' && stmt.whereClause !== undefined) addRelation(stmt.relation, 'SELECT');
        }
        const { relation: _relation, ...rest } = stmt as Node;
        visit(rest, key);
        continue;
      }
      if (key === 'SelectStmt') for (const rv of lockedRelations(value as SelectNode)) addRelation(rv, 'UPDATE');
      if (key === 'RangeVar') addRelation(value as RangeVarNode, 'SELECT');
      if (key === 'ColumnRef') columns.push(columnOf(value as { fields?: unknown[] }));
      if (key === 'FuncCall') {
        const names = ((value as { funcname?: unknown[] }).funcname ?? []).map(sval);
        const name = names.at(-1);
        if (name) {
          const schema = names.length > 1 ? (names.at(-2) ?? null) : null;
          functions.set(JSON.stringify([schema, name]), { schema, name });
        }
      }
      visit(value, key);
    }
  };
  visit(tree, null);
  return {
    relations: [...relations.values()].filter((r) => r.schema !== null || !cteNames.has(r.name)),
    columns,
    functions: [...functions.values()],
  };
}

interface SelectNode {
  lockingClause?: { LockingClause?: { lockedRels?: { RangeVar?: RangeVarNode }[] } }[];
  fromClause?: unknown[];
}

/**
 * The relations a SELECT … FOR UPDATE / SHARE locks: those it names after OF, else every table of its FROM (joins
 * included, subqueries not). Locking a row needs UPDATE on some column of its table, whichever the lock strength.
 */
function lockedRelations(select: SelectNode): RangeVarNode[] {
  if (!select.lockingClause?.length) return [];
  const named = select.lockingClause.flatMap((l) => (l.LockingClause?.lockedRels ?? []).map((r) => r.RangeVar));
  if (named.length > 0 && named.every((r) => r !== undefined)) {
    // OF names the alias when the FROM gives one: map it back to the table.
    const inFrom = fromTables(select.fromClause ?? []);
    return named.map((r) => inFrom.find((t) => t.alias?.aliasname === r.relname || t.relname === r.relname) ?? r);
  }
  return fromTables(select.fromClause ?? []);
}

function fromTables(items: unknown[]): RangeVarNode[] {
  const out: RangeVarNode[] = [];
  for (const item of items as { RangeVar?: RangeVarNode; JoinExpr?: { larg?: unknown; rarg?: unknown } }[]) {
    if (item.RangeVar) out.push(item.RangeVar);
    if (item.JoinExpr) out.push(...fromTables([item.JoinExpr.larg, item.JoinExpr.rarg]));
  }
  return out;
}

function columnOf(ref: { fields?: unknown[] }): ColumnReference {
  const fields = ref.fields ?? [];
  const last = fields.at(-1) as { A_Star?: unknown } | undefined;
  const name = last && 'A_Star' in last ? null : sval(last);
  return { qualifier: fields.length > 1 ? sval(fields.at(-2)) : null, name };
}

/** The columns a statement names that may belong to `relation`: bare ones, and those qualified by one of its names. */
export function columnsOfRelation(references: StatementReferences, relation: RelationReference): { names: string[]; star: boolean } {
  const mine = references.columns.filter((c) => c.qualifier === null || relation.aliases.includes(c.qualifier));
  return {
    names: [...new Set(mine.map((c) => c.name).filter((n): n is string => n !== null))],
    star: mine.some((c) => c.name === null),
  };
}
