/**
 * Which statements of pg_stat_statements a generated profile may replay, and why not the others.
 *
 * Only reads: the workload runner must never write to the user's database, so a profile holds SELECTs only (the
 * profile's own SQL check, main/workload/profile-sql-check.ts, is applied, and the runner's sessions are read-only
 * besides). Statements that only read the system catalogs are monitoring, not the application, and utility
 * statements (BEGIN, SET, …) are not workload: both are left out without a word, as the index advisor does.
 *
 * Only the connecting role's own statements: the workload runs every template as the role it connects as, and a
 * statement replayed runs its functions with that role's privileges. Its own statements run nothing it did not
 * already run; another role's could (a function that role owns, written to do something only a more privileged
 * caller may). As a superuser, the index advisor's trust rule applies too (main/advisor/planning-roles.ts): while
 * a function belongs to a role that is neither a superuser nor the connecting role, its owner could replace its
 * body, and the replay would run the new body as a superuser, so no statement is included.
 */
import { SqlSyntaxError, type SqlParser } from '../sql/pg-parser.ts';
import { checkReadOnlySql, READ_ONLY_NOTE } from './profile-sql-check.ts';
import type { SessionRole } from './profile-from-stats-catalog.ts';
import { isCatalogName } from '../sql/catalog-names.ts';

const WRITES: Record<string, string> = { InsertStmt: 'INSERT', UpdateStmt: 'UPDATE', DeleteStmt: 'DELETE', MergeStmt: 'MERGE' };

/** `include`: a read the profile can hold; `skip`: listed with the reason; `ignore`: not application workload. */
export type Verdict = { include: true } | { skip: string } | { ignore: string };

function* namedNodes(value: unknown, key: string | null = null): Generator<[string, Record<string, unknown>]> {
  if (Array.isArray(value)) {
    for (const item of value) yield* namedNodes(item);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (key !== null) yield [key, value as Record<string, unknown>];
  for (const [childKey, child] of Object.entries(value)) yield* namedNodes(child, /^[A-Z]/.test(childKey) ? childKey : null);
}

/** Whether the statement text is a read the profile may hold (the parser must be loaded, and the SQL check). */
export function readVerdict(parser: SqlParser, sql: string): Verdict {
  let tree: ReturnType<SqlParser['parse']>;
  try {
    tree = parser.parse(sql);
  } catch (error) {
    if (error instanceof SqlSyntaxError) return { skip: `could not be parsed: ${error.message}` };
    throw error;
  }
  const statements = tree.stmts ?? [];
  if (statements.length !== 1) return { ignore: 'not a single statement' };
  const kind = Object.keys(statements[0]!.stmt ?? {})[0] ?? '';
  const write = WRITES[kind];
  if (write) return { skip: `a write (${write}): a profile holds reads only, and the workload never writes to your database` };
  if (kind !== 'SelectStmt') return { ignore: 'a utility statement' };
  let readsTable = false;
  for (const [type, node] of namedNodes(statements[0]!.stmt)) {
    if (type === 'RangeVar') {
      const schema = (node['schemaname'] as string | undefined) ?? null;
      if (isCatalogName(schema, String(node['relname'] ?? ''))) return { ignore: 'reads the system catalogs' };
      readsTable = true;
    }
  }
  if (!readsTable) return { ignore: 'reads no table' };
  const problems = checkReadOnlySql(sql).problems;
  if (problems.length > 0) return { skip: problems[0]!.message.replace(` (${READ_ONLY_NOTE})`, '').replace(`; ${READ_ONLY_NOTE}`, '') };
  return { include: true };
}

/**
 * Why the connecting role may not replay a statement that the roles `runners` (pg_stat_statements userids) ran,
 * or null when it may. `names` maps those oids to role names (a dropped role is missing).
 */
export function whyNotReplayed(runners: readonly string[], names: ReadonlyMap<string, string>, session: SessionRole): string | null {
  if (runners.includes(session.oid)) {
    if (!session.superuser || session.untrustedOwners.length === 0) return null;
    const owners = session.untrustedOwners.slice(0, 5).join(', ') + (session.untrustedOwners.length > 5 ? ', …' : '');
    return (
      `run by ${session.name}, a superuser, while functions belong to roles that are not superusers (${owners}): ` +
      `a replay could run a function its owner has replaced since, as a superuser. Generate the profile as a role that is not a superuser.`
    );
  }
  const others = runners.map((oid) => names.get(oid) ?? `a dropped role (oid ${oid})`);
  const first = runners.map((oid) => names.get(oid)).find((n) => n !== undefined);
  return (
    `run by ${others.join(', ')}, not by ${session.name}: the workload runs every statement as ${session.name}, and Hotpath ` +
    `replays no other role's statements with its privileges.${first ? ` Connect as ${first} to include it.` : ''}`
  );
}
