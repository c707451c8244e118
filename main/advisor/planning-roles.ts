import type pg from 'pg';
import { quoteIdent } from '../sql/identifiers.ts';
import { ADVISOR_MARKER } from './generic-plan.ts';

/**
 * As whom the advisor plans a statement, or why it does not.
 *
 * Planning runs code: PostgreSQL folds IMMUTABLE (and, for estimates, STABLE) functions with constant arguments
 * while it plans, so EXPLAIN of a statement someone else wrote runs their functions. Three things bound that:
 * - A statement of another role is planned as that role (`SET LOCAL ROLE` to the pg_stat_statements userid), never
 *   with Hotpath's privileges, or not at all (the connecting role may not SET ROLE to it: the reason names the
 *   GRANT that would allow it).
 * - SET ROLE alone contains nothing: it is checked against the session user, so a folded function can call
 *   `set_config('role', session_user, true)` (or set session_authorization, when the session logged in as a
 *   superuser) and run the rest with the connecting role's privileges. So another role's statement is planned
 *   only when no function in the database belongs to a role the session does not already trust (superusers and
 *   the connecting role itself): then nothing but trusted code can run while it is planned.
 * - Every plan is made in a READ ONLY transaction that is rolled back, and the analysis session's default is
 *   read-only too: nothing the planner runs can write (a read-only transaction cannot be made read-write once it
 *   has run a query). This is a second wall, not the first: a superuser's COPY … TO PROGRAM is allowed in a
 *   read-only transaction, which is why the trust rule above comes first.
 * The connecting role's own statements (and the engine's templates, which its workload runs as that role) are
 * planned as that role: planning runs nothing the statement did not already run with those privileges.
 * Except as a superuser: a function's owner can replace its body after the statement ran (or shadow an unqualified
 * name through the analysis session's search_path, which need not be the one the statement ran with), and then
 * planning runs the owner's new code as a superuser. So while functions of untrusted owners exist, no statement is
 * planned as a superuser, whether the connecting role or another one ran it. The engine's templates stay
 * analyzable: they are the operator's own, and the engine's workload executes them anyway as that same role, so
 * planning them runs nothing the workload does not.
 */

/** A role that ran a statement (pg_stat_statements' userid), as the session sees it. */
export interface StatementRunner {
  /** Null when the role was dropped since. */
  name: string | null;
  superuser: boolean;
  /** The connecting role may SET ROLE to it (a member; on 16+ with the SET option; superusers may always). */
  maySet: boolean;
  /** The statement came from a SQL file or a server log: any role may have run it (UNKNOWN_RUNNER). */
  unknown?: true;
}

/**
 * The userid of a statement whose runner is not known (a SQL file, a server log): it stands for any role, so
 * the statement is planned as another role's would be, only while no untrusted code can run (see planningRole).
 */
export const UNKNOWN_RUNNER = 'unknown';
const UNKNOWN: StatementRunner = { name: null, superuser: false, maySet: false, unknown: true };

export interface PlanningTrust {
  /** The connecting role (current_user when the analysis starts). */
  sessionRole: string;
  /** Whether the connecting role is a superuser (then its own statements count as a superuser's). */
  sessionSuperuser: boolean;
  serverVersion: number;
  /** Owners of functions in this database that are neither superusers nor the connecting role. */
  untrustedOwners: string[];
}

/** `guard`: re-check, in the same round trip as the EXPLAIN, that no untrusted function appeared meanwhile. */
export type PlanningRole = { role: string | null; guard: boolean } | { skip: string };

/**
 * Fails (an integer cast of a sentence naming the function) when a function of a role that is neither a superuser
 * nor the session's own exists: sent in the same query string as the EXPLAIN of another role's statement, so a
 * function created after the analysis checked (it may run for minutes) stops the planning instead of running in
 * it. The cast's input depends on a row, so the planner cannot fold it into an error of its own.
 */
export const TRUST_GUARD = `${ADVISOR_MARKER} SELECT (SELECT ('not planned: function ' || p.oid::regprocedure::text || ' of role ' || r.rolname || ' appeared during the analysis')::int
    FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_roles r ON r.oid = p.proowner
   WHERE NOT r.rolsuper AND r.rolname <> session_user LIMIT 1);`;

export async function readPlanningTrust(client: pg.Client, serverVersion: number): Promise<PlanningTrust> {
  // The session user, not current_user: it is the role a function can switch back to.
  const session = await client.query<{ name: string; superuser: boolean }>(
    `${ADVISOR_MARKER} SELECT rolname AS name, rolsuper AS superuser FROM pg_catalog.pg_roles WHERE rolname = session_user`,
  );
  // Every function counts, whatever its schema or extension: a trusted extension's objects belong to the bootstrap
  // superuser, and a function a non-superuser added to an extension it owns is still that role's code.
  const owners = await client.query<{ name: string }>(
    `${ADVISOR_MARKER} SELECT DISTINCT r.rolname AS name FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
      WHERE NOT r.rolsuper AND r.rolname <> session_user ORDER BY 1`,
  );
  return {
    sessionRole: session.rows[0]!.name,
    sessionSuperuser: session.rows[0]!.superuser,
    serverVersion,
    untrustedOwners: owners.rows.map((r) => r.name),
  };
}

/** The roles behind pg_stat_statements userids, with whether this session may SET ROLE to each. */
export async function readRunners(
  client: pg.Client,
  serverVersion: number,
  userIds: readonly string[],
): Promise<Map<string, StatementRunner>> {
  const privilege = serverVersion >= 160000 ? 'SET' : 'MEMBER';
  const known = userIds.filter((id) => id !== UNKNOWN_RUNNER);
  const { rows } = await client.query<{ oid: string; name: string; superuser: boolean; may_set: boolean }>(
    `${ADVISOR_MARKER} SELECT oid::text AS oid, rolname AS name, rolsuper AS superuser, pg_has_role(oid, '${privilege}') AS may_set
       FROM pg_roles WHERE oid = ANY($1::oid[])`,
    [known],
  );
  const runners = new Map<string, StatementRunner>(
    userIds.map((id) => [id, id === UNKNOWN_RUNNER ? UNKNOWN : { name: null, superuser: false, maySet: false }]),
  );
  for (const r of rows) runners.set(r.oid, { name: r.name, superuser: r.superuser, maySet: r.may_set });
  return runners;
}

function grantHint(role: string, trust: PlanningTrust): string {
  const options = trust.serverVersion >= 160000 ? ' WITH INHERIT FALSE, SET TRUE' : '';
  return `GRANT ${quoteIdent(role)} TO ${quoteIdent(trust.sessionRole)}${options}`;
}

/**
 * As whom to plan a statement run by `runners` (null: the engine's own template), or why it is skipped. The
 * reason says what would let Hotpath analyze it.
 */
export function planningRole(runners: readonly StatementRunner[] | null, trust: PlanningTrust): PlanningRole {
  if (runners === null) return { role: null, guard: false };
  if (runners.some((r) => r.unknown)) return unknownRunnerRole(trust);
  const named = runners.filter((r): r is StatementRunner & { name: string } => r.name !== null);
  if (named.some((r) => r.name === trust.sessionRole)) {
    if (!trust.sessionSuperuser) return { role: null, guard: false };
    if (trust.untrustedOwners.length > 0) return { skip: superuserSkip(trust.sessionRole, trust) };
    // Guarded: a function of an untrusted owner created during the analysis would otherwise run as a superuser.
    return { role: null, guard: true };
  }
  if (named.length === 0) return { skip: 'run only by roles that no longer exist, so there is no role to plan it as' };
  const settable = named.filter((r) => r.maySet);
  const list = named.map((r) => r.name).join(', ');
  if (settable.length === 0) {
    return {
      skip:
        `run by ${list}, which ${trust.sessionRole} may not SET ROLE to; Hotpath plans a statement only as the role that ran it. ` +
        `${grantHint(named[0]!.name, trust)} would let it (or connect Hotpath as ${named[0]!.name}).`,
    };
  }
  const superuser = settable.find((r) => r.superuser);
  if (superuser) {
    if (trust.untrustedOwners.length > 0) return { skip: superuserSkip(superuser.name, trust) };
    return { role: superuser.name, guard: true };
  }
  if (trust.untrustedOwners.length > 0) {
    const owners = ownerList(trust);
    return {
      skip:
        `run by ${list}; not planned, because this database has functions owned by roles that are not superusers (${owners}), ` +
        `planning can run such a function (PostgreSQL folds IMMUTABLE functions while it plans), and a function can switch ` +
        `back from SET ROLE to ${trust.sessionRole}. Connect Hotpath as ${settable[0]!.name} to analyze its statements.`,
    };
  }
  return { role: settable[0]!.name, guard: true };
}

/**
 * A statement any role may have run (a SQL file, a server log): there is no role to SET to, so it is planned as
 * the connecting role, which is safe only while every function belongs to a superuser or to the session's role
 * (then planning runs nothing but trusted code), and guarded like another role's statement. While untrusted
 * functions exist, the role that ran it would be needed, so it is skipped.
 */
function unknownRunnerRole(trust: PlanningTrust): PlanningRole {
  if (trust.untrustedOwners.length === 0) return { role: null, guard: true };
  return {
    skip:
      `from a file or a log, so the role that ran it is unknown; not planned, because this database has functions owned by roles ` +
      `that are not superusers (${ownerList(trust)}): planning can run such a function (PostgreSQL folds IMMUTABLE functions while ` +
      `it plans) and a function can switch back to ${trust.sessionRole}. With pg_stat_statements (which records the role that ran ` +
      `a statement) or --sample-activity, Hotpath plans it as that role.`,
  };
}

function ownerList(trust: PlanningTrust): string {
  return trust.untrustedOwners.slice(0, 5).join(', ') + (trust.untrustedOwners.length > 5 ? ', …' : '');
}

function superuserSkip(role: string, trust: PlanningTrust): string {
  return (
    `run by ${role}, a superuser; not planned, because this database has functions owned by roles that are not superusers ` +
    `(${ownerList(trust)}): planning can run such a function (PostgreSQL folds IMMUTABLE functions while it plans), and its owner ` +
    `may have replaced it since the statement ran, so it would run as a superuser. Hotpath plans a superuser's statements only ` +
    `while every function belongs to a superuser or to ${trust.sessionRole}; to have this query analyzed, run it as a role that is not a superuser.`
  );
}

/** How long a planning probe waits for a table lock before it gives up and the statement is reported unplanned. */
const PROBE_LOCK_TIMEOUT = '1s';

/**
 * Runs `work` in a READ ONLY transaction as `role` (null: the connecting role), then rolls it back whatever
 * happened (the pool's inReadOnlyTransaction commits; this one never does). `SET LOCAL` ends with the transaction,
 * so the session is left as it was.
 */
export async function inRolledBackReadOnlyTransaction<T>(client: pg.Client, role: string | null, work: () => Promise<T>): Promise<T> {
  // Planning an UPDATE or DELETE takes a RowExclusiveLock on its table: a probe must never wait in a lock queue,
  // where it would hold up every session behind it (a CREATE INDEX, a REFRESH); it gives up after PROBE_LOCK_TIMEOUT.
  await client.query(`${ADVISOR_MARKER} BEGIN READ ONLY; SET LOCAL lock_timeout = '${PROBE_LOCK_TIMEOUT}'`);
  try {
    if (role !== null) await client.query(`${ADVISOR_MARKER} SET LOCAL ROLE ${quoteIdent(role)}`);
    return await work();
  } finally {
    await client.query(`${ADVISOR_MARKER} ROLLBACK`);
  }
}
