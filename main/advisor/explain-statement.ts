import pg from 'pg';
import { loadSqlParser } from '../sql/pg-parser.ts';
import { repairNormalizedText } from '../sql/normalized-repairs.ts';
import { HIDDEN_TEXT, readStatStatements, statStatementsSchema } from '../sql/stat-statements.ts';
import { ADVISOR_MARKER, explainGeneric } from './generic-plan.ts';
import { HypopgEvaluator, hypopgAvailable, hypopgInstalled, hypotheticalDdl } from './hypopg-evaluator.ts';
import type { IndexSpec } from './index-spec.ts';
import type { PlanNode } from './plan-predicates.ts';
import {
  TRUST_GUARD,
  UNKNOWN_RUNNER,
  inRolledBackReadOnlyTransaction,
  planningRole,
  readPlanningTrust,
  readRunners,
  type StatementRunner,
} from './planning-roles.ts';
import { NotPlannableError } from './statement-checks.ts';
import { statementShape, whyNotAnalyzable, type WorkloadTemplate } from './workload-capture.ts';

/**
 * EXPLAIN of one statement for people (the Database page), with the analysis's own safety and nothing else: the
 * statement is found and repaired as captureWorkload finds it (pg_stat_statements' normalized text, `$n` and typed
 * literals repaired; an engine template planned from its own text), filtered by whyNotAnalyzable, planned as the
 * role that ran it or refused with planningRole's reason, checked by whyNotPlannable before anything is sent, and
 * planned as a generic plan (explainGeneric) in a READ ONLY transaction that is rolled back, on a session whose
 * default is read-only. Never EXPLAIN ANALYZE: nothing runs but what planning itself folds, and planning happens
 * only where planning-roles.ts allows it.
 *
 * With a hypothetical index (a proposal's), the same statement is planned without and with it through HypoPG's
 * evaluator (hypopg-evaluator.ts), when HypoPG is created in the database; otherwise the answer says so and how to
 * enable it (this never creates the extension: it only reads).
 */

/** Which statement: pg_stat_statements' queryid, or a text from the workload (a template's, a proposal's). */
export type ExplainTarget = { queryId: string } | { query: string };

export interface ExplainStatementOptions {
  /** As in analyzeWorkload: a config opens (and closes) a client; a function lends one, which is left open. */
  pg: pg.ClientConfig | (() => Promise<pg.Client>);
  target: ExplainTarget;
  /** The engine's workload templates: a text of theirs is the operator's own, planned as the connecting role. */
  templates?: readonly WorkloadTemplate[];
  /** Plan also with this index created hypothetically (HypoPG). */
  hypothetical?: IndexSpec;
}

export interface StatementExplain {
  /** The text planned (repaired), or the text refused. */
  query: string;
  source: 'pg_stat_statements' | 'template' | 'text';
  /** The queryid when it came from pg_stat_statements. */
  queryId: string | null;
  /** The role it was planned as; null for the connecting role. */
  plannedAs: string | null;
  outcome: { planned: true; plan: PlanNode } | { planned: false; reason: string };
  /** Without and with the hypothetical index; null when none was asked for or the statement was not planned. */
  whatIf: WhatIf | null;
}

export type WhatIf = { ddl: string; hypopg: true; before: PlanNode; after: PlanNode } | { ddl: string; hypopg: false; note: string };

async function connect(option: ExplainStatementOptions['pg']): Promise<{ client: pg.Client; owned: boolean }> {
  if (typeof option === 'function') return { client: await option(), owned: false };
  const client = new pg.Client(option);
  client.on('error', () => undefined);
  await client.connect();
  return { client, owned: true };
}

interface Resolved {
  query: string;
  source: StatementExplain['source'];
  queryId: string | null;
  /** pg_stat_statements userids; null for a template (the engine's own). */
  userIds: string[] | null;
  /** Refused before planning (not found, not a statement EXPLAIN serves). */
  refused: string | null;
}

/** Finds the statement as captureWorkload would: a template by its shape first, then pg_stat_statements. */
async function resolve(client: pg.Client, target: ExplainTarget, templates: readonly WorkloadTemplate[]): Promise<Resolved> {
  const parser = await loadSqlParser();
  const schema = await statStatementsSchema(client, ADVISOR_MARKER);
  const rows = schema === null ? [] : (await readStatStatements(client, schema, ADVISOR_MARKER)).filter((r) => r.query !== HIDDEN_TEXT);
  const templateOf = async (sql: string) => {
    const shape = await statementShape(sql);
    if (shape === null) return undefined;
    for (const t of templates) if ((await statementShape(t.sql)) === shape) return t;
    return undefined;
  };
  if ('queryId' in target) {
    const row = rows.find((r) => r.queryId === target.queryId);
    if (!row) {
      const why =
        schema === null
          ? 'pg_stat_statements is not created in this database'
          : "pg_stat_statements has no statement with this queryid now (reset or evicted since it was listed?), or it is another role's and its text is hidden from this role (superusers and members of pg_read_all_stats see it: GRANT pg_monitor TO this role)";
      return { query: '', source: 'pg_stat_statements', queryId: target.queryId, userIds: null, refused: why };
    }
    const query = repairNormalizedText(parser, row.query);
    const template = await templateOf(query);
    if (template) return { query: template.sql.trim(), source: 'template', queryId: row.queryId, userIds: null, refused: null };
    return { query, source: 'pg_stat_statements', queryId: row.queryId, userIds: row.userIds, refused: null };
  }
  const query = repairNormalizedText(parser, target.query.trim());
  const template = await templateOf(query);
  if (template) return { query: template.sql.trim(), source: 'template', queryId: null, userIds: null, refused: null };
  const shape = await statementShape(query);
  for (const row of rows) {
    const repaired = repairNormalizedText(parser, row.query);
    if (shape !== null && (await statementShape(repaired)) === shape) {
      return { query: repaired, source: 'pg_stat_statements', queryId: row.queryId, userIds: row.userIds, refused: null };
    }
  }
  // A text nobody is known to have run: planned as a statement of an unknown role (planning-roles.ts).
  return { query, source: 'text', queryId: null, userIds: [UNKNOWN_RUNNER], refused: null };
}

async function hypopgNote(client: pg.Client): Promise<string> {
  const enable = 'a superuser can run CREATE EXTENSION hypopg in this database (it adds functions only; Hotpath never creates it here)';
  return (await hypopgAvailable(client))
    ? `HypoPG is installed on this server but not created in this database, so the plan with the index cannot be shown: ${enable}.`
    : `HypoPG is not installed on this server, so the plan with the index cannot be shown: install its package (e.g. postgresql-<version>-hypopg), then ${enable}.`;
}

/** EXPLAIN (generic plan, never ANALYZE) of one workload statement, and optionally its plan with a hypothetical index. */
export async function explainStatement(options: ExplainStatementOptions): Promise<StatementExplain> {
  const { client, owned } = await connect(options.pg);
  let was: string | null = null;
  try {
    was = (await client.query<{ v: string }>(`${ADVISOR_MARKER} SELECT current_setting('default_transaction_read_only') AS v`)).rows[0]!.v;
    await client.query(`${ADVISOR_MARKER} SET default_transaction_read_only = on`);
    const serverVersion = Number(
      (await client.query<{ v: string }>(`${ADVISOR_MARKER} SELECT current_setting('server_version_num') AS v`)).rows[0]!.v,
    );
    const found = await resolve(client, options.target, options.templates ?? []);
    const base = { query: found.query, source: found.source, queryId: found.queryId, plannedAs: null, whatIf: null };
    if (found.refused !== null) return { ...base, outcome: { planned: false, reason: found.refused } };
    const unfit = await whyNotAnalyzable(found.query);
    if (unfit) return { ...base, outcome: { planned: false, reason: `not planned: ${unfit}` } };
    const trust = await readPlanningTrust(client, serverVersion);
    let as: ReturnType<typeof planningRole>;
    if (found.userIds === null) as = planningRole(null, trust);
    else {
      const runners = await readRunners(client, serverVersion, found.userIds);
      as = planningRole(
        found.userIds.map((id) => runners.get(id) as StatementRunner),
        trust,
      );
    }
    if ('skip' in as) return { ...base, outcome: { planned: false, reason: `not planned: ${as.skip}` } };
    const guard = as.guard ? TRUST_GUARD : null;
    let plan: PlanNode;
    try {
      plan = await inRolledBackReadOnlyTransaction(client, as.role, () => explainGeneric(client, serverVersion, found.query, guard));
    } catch (error) {
      const reason =
        error instanceof NotPlannableError
          ? `not planned: ${error.message}`
          : `could not be planned${as.role === null ? '' : ` as ${as.role}`}: ${(error as Error).message}`;
      return { ...base, plannedAs: as.role, outcome: { planned: false, reason } };
    }
    const planned = { ...base, plannedAs: as.role, outcome: { planned: true as const, plan } };
    if (!options.hypothetical) return planned;
    const ddl = hypotheticalDdl(options.hypothetical);
    if (!(await hypopgInstalled(client))) return { ...planned, whatIf: { ddl, hypopg: false, note: await hypopgNote(client) } };
    const evaluator = new HypopgEvaluator(client, serverVersion, [{ sql: found.query, role: as.role, guard: as.guard }]);
    try {
      const before = await evaluator.plan([], 0);
      const after = await evaluator.plan([options.hypothetical], 0);
      return { ...planned, whatIf: { ddl, hypopg: true, before, after } };
    } finally {
      await evaluator.close();
    }
  } finally {
    if (owned) await client.end();
    // A failure to restore (the connection died) must not hide the error that ended the plan.
    else if (was !== null)
      await client.query(`${ADVISOR_MARKER} SELECT set_config('default_transaction_read_only', $1, false)`, [was]).catch(() => undefined);
  }
}
