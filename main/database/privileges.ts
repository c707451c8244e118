import type pg from 'pg';
import { quoteIdent } from '../sql/identifiers.ts';

/**
 * What the connecting role may do, per feature, checked once when a stack is connected, so that a missing grant is
 * said up front (with the statement that fixes it) instead of surfacing later as an empty list or a failed build.
 * Each check asks the server the question PostgreSQL itself asks for that feature (privileges through role
 * membership count only where they are inherited, as they are for PostgreSQL's own checks); none writes anything.
 * Hotpath needs no more than this: reading needs `pg_read_all_stats` (in `pg_monitor`), builds need the table's
 * owner, cancelling other roles' queries needs `pg_signal_backend`. A superuser is more than it needs.
 */

export type PrivilegeFeature = 'statement-stats' | 'what-if-costs' | 'index-builds' | 'cancel-queries' | 'demo-seed';

export interface PrivilegeCheck {
  feature: PrivilegeFeature;
  ok: boolean;
  /** What the role can and cannot do for this feature, in a sentence. */
  detail: string;
  /** The statement that grants what is missing (who must run it is in `detail`); null when nothing is missing. */
  fix: string | null;
}

export interface PrivilegeReport {
  role: string;
  superuser: boolean;
  checks: PrivilegeCheck[];
}

type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.ClientBase, 'query'>;

interface Facts {
  role: string;
  superuser: boolean;
  read_all_stats: boolean;
  signal_backend: boolean;
  create_on_database: boolean;
  hypopg_created: boolean;
  hypopg_available: boolean;
  tables: number;
  owned_tables: number;
  other_owners: string[] | null;
  database: string;
}

/** Reads the facts in one statement (a read: it works in a read-only session). */
async function readFacts(db: Queryable): Promise<Facts> {
  const { rows } = await db.query<Facts>(`
    SELECT current_user AS role,
           (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
           pg_has_role('pg_read_all_stats', 'USAGE') AS read_all_stats,
           pg_has_role('pg_signal_backend', 'USAGE') AS signal_backend,
           has_database_privilege(current_database(), 'CREATE') AS create_on_database,
           EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'hypopg') AS hypopg_created,
           EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg') AS hypopg_available,
           t.tables::int AS tables, t.owned::int AS owned_tables, t.other_owners,
           current_database() AS database
      FROM (SELECT count(*) AS tables,
                   count(*) FILTER (WHERE pg_has_role(c.relowner, 'USAGE')) AS owned,
                   (array_agg(DISTINCT r.rolname::text ORDER BY r.rolname::text) FILTER (WHERE NOT pg_has_role(c.relowner, 'USAGE')))[1:3] AS other_owners
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_roles r ON r.oid = c.relowner
             WHERE c.relkind IN ('r', 'p', 'm')
               AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%') t`);
  return rows[0]!;
}

/** Checks what the connected role may do for each feature Hotpath has. */
export async function checkPrivileges(db: Queryable): Promise<PrivilegeReport> {
  const f = await readFacts(db);
  const role = quoteIdent(f.role);
  const checks: PrivilegeCheck[] = [];
  checks.push(
    f.superuser || f.read_all_stats
      ? {
          feature: 'statement-stats',
          ok: true,
          detail: "Reads every role's statements in pg_stat_statements and pg_stat_activity.",
          fix: null,
        }
      : {
          feature: 'statement-stats',
          ok: false,
          detail: `${f.role} sees only its own statements' text in pg_stat_statements and pg_stat_activity (other roles' show as <insufficient privilege>), so the Statements page and the index advisor miss them. A superuser or a role with ADMIN on pg_monitor can grant it.`,
          fix: `GRANT pg_monitor TO ${role}`,
        },
  );
  if (f.hypopg_created)
    checks.push({
      feature: 'what-if-costs',
      ok: true,
      detail: "HypoPG is created: the index advisor uses the planner's own what-if costs.",
      fix: null,
    });
  else {
    checks.push({
      feature: 'what-if-costs',
      ok: false,
      detail: f.hypopg_available
        ? 'HypoPG is installed on the server but not created in this database, so the index advisor estimates costs itself (Hotpath never creates it). Creating it needs a superuser.'
        : 'HypoPG is not installed on the server, so the index advisor estimates costs itself. Install its package (postgresql-<version>-hypopg), then a superuser creates it.',
      fix: 'CREATE EXTENSION hypopg',
    });
  }
  const notOwned = f.tables - f.owned_tables;
  checks.push(
    f.superuser || notOwned === 0
      ? {
          feature: 'index-builds',
          ok: true,
          detail: `May build and drop indexes on ${f.superuser ? 'every table' : `all ${f.tables} tables (it owns them)`}.`,
          fix: null,
        }
      : {
          feature: 'index-builds',
          ok: false,
          detail: `${f.role} owns ${f.owned_tables} of the ${f.tables} tables in ${f.database}; CREATE INDEX needs the table's owner, so builds on the others fail (owned by ${(f.other_owners ?? []).join(', ')}${notOwned > 3 ? ', …' : ''}). Granting the owner role gives Hotpath all of that role's privileges: build as the owner instead if that is too much.`,
          fix: `GRANT ${quoteIdent((f.other_owners ?? [f.role])[0]!)} TO ${role}`,
        },
  );
  checks.push(
    f.superuser || f.signal_backend
      ? {
          feature: 'cancel-queries',
          ok: true,
          detail: f.superuser ? 'May cancel any query.' : "May cancel other roles' queries (not a superuser's).",
          fix: null,
        }
      : {
          feature: 'cancel-queries',
          ok: false,
          detail: `${f.role} may cancel only its own queries (and those of roles it is a member of) from the Activity page.`,
          fix: `GRANT pg_signal_backend TO ${role}`,
        },
  );
  checks.push(
    f.create_on_database
      ? { feature: 'demo-seed', ok: true, detail: 'May create the demo schema (unified).', fix: null }
      : {
          feature: 'demo-seed',
          ok: false,
          detail: `${f.role} may not create schemas in ${f.database}, so the demo data cannot be seeded here.`,
          fix: `GRANT CREATE ON DATABASE ${quoteIdent(f.database)} TO ${role}`,
        },
  );
  return { role: f.role, superuser: f.superuser, checks };
}

/** The checks that failed, as the notices the console and the CLI show at connect. */
export function privilegeNotices(report: PrivilegeReport): { code: 'missing-privilege'; message: string; hint: string }[] {
  return report.checks
    .filter((c) => !c.ok)
    .map((c) => ({
      code: 'missing-privilege' as const,
      message: `${c.feature}: ${c.detail}`,
      hint: c.feature === 'what-if-costs' ? `A superuser runs: ${c.fix};` : `Run: ${c.fix};`,
    }));
}
