import type pg from 'pg';
import { loadSqlParser } from '../sql/pg-parser.ts';
import { ADVISOR_MARKER } from './advisor-marker.ts';
import { notePartitionRoots } from './partition-roots.ts';
import type { PlanNode } from './plan-predicates.ts';
import { NotPlannableError, whyNotPlannable } from './statement-checks.ts';

export { ADVISOR_MARKER };

/** How many parameters a PREPARE'd copy takes: the highest `$n` token, as PostgreSQL's lexer reads the text. */
export async function parameterCount(sql: string): Promise<number> {
  const parser = await loadSqlParser();
  let highest = 0;
  for (const token of parser.scan(sql).tokens) {
    if (token.tokenName === 'PARAM') highest = Math.max(highest, Number(token.text.slice(1)));
  }
  return highest;
}

let prepareCounter = 0;

/**
 * The generic plan of a normalized statement (with `$n` placeholders): the plan PostgreSQL would use for any
 * parameter values, which is what an index has to serve. 16+ has EXPLAIN (GENERIC_PLAN); 15 gets the same
 * through PREPARE + plan_cache_mode = force_generic_plan + EXPLAIN EXECUTE with NULLs (what dexter does).
 * The prepared statement is made afresh every time: a cached generic plan would not notice hypothetical
 * indexes created after it. Never EXPLAIN ANALYZE: nothing runs.
 *
 * Call it inside the read-only transaction `inRolledBackReadOnlyTransaction` opens (planning-roles.ts): planning can run
 * the statement's functions, so it happens as the statement's role and is rolled back.
 */
export async function explainGeneric(
  client: pg.Client,
  serverVersion: number,
  sql: string,
  guard: string | null = null,
): Promise<PlanNode> {
  // Checked first with catalog reads that cannot fail (statement-checks.ts): what the server would reject is
  // reported with a reason, never sent to leave an error in its log.
  const problem = await whyNotPlannable(client, statementBody(sql));
  if (problem !== null) throw new NotPlannableError(problem);
  const plan = await explainGenericPlan(client, serverVersion, sql, guard);
  await notePartitionRoots(client, plan);
  return plan;
}

/** The statement without surrounding blanks and a trailing semicolon. */
function statementBody(sql: string): string {
  return sql.trim().replace(/;\s*$/, '');
}

/**
 * explainGeneric's EXPLAIN alone: for a statement explainGeneric already accepted in this analysis (the HypoPG
 * evaluator re-plans each one many times with other hypothetical indexes; only the plan's cost is read).
 */
export async function explainGenericPlan(
  client: pg.Client,
  serverVersion: number,
  sql: string,
  guard: string | null = null,
): Promise<PlanNode> {
  const body = statementBody(sql);
  const params = await parameterCount(body);
  // `guard` goes in the same query string: a statement that fails stops the rest of a simple-protocol query.
  const first = guard ?? '';
  if (serverVersion >= 160000) {
    const options = params > 0 ? 'GENERIC_PLAN, VERBOSE, FORMAT JSON' : 'VERBOSE, FORMAT JSON';
    return firstPlan(await client.query(`${first}${ADVISOR_MARKER} EXPLAIN (${options}) ${body}`));
  }
  if (params === 0) return firstPlan(await client.query(`${first}${ADVISOR_MARKER} EXPLAIN (VERBOSE, FORMAT JSON) ${body}`));
  const name = `hotpath_advisor_${process.pid}_${++prepareCounter}`;
  await client.query(`${ADVISOR_MARKER} PREPARE ${name} AS ${body}`);
  // A prepared statement outlives the transaction's rollback: a savepoint keeps the transaction usable after a
  // failed EXPLAIN, so the DEALLOCATE below always runs.
  await client.query(`${ADVISOR_MARKER} SAVEPOINT hotpath_explain`);
  try {
    await client.query(`${ADVISOR_MARKER} SET LOCAL plan_cache_mode = force_generic_plan`);
    const nulls = Array.from({ length: params }, () => 'NULL').join(', ');
    return firstPlan(await client.query(`${first}${ADVISOR_MARKER} EXPLAIN (VERBOSE, FORMAT JSON) EXECUTE ${name}(${nulls})`));
  } catch (error) {
    await client.query(`${ADVISOR_MARKER} ROLLBACK TO SAVEPOINT hotpath_explain`);
    throw error;
  } finally {
    await client.query(`${ADVISOR_MARKER} DEALLOCATE ${name}`);
  }
}

function firstPlan(results: pg.QueryResult | pg.QueryResult[]): PlanNode {
  const result = Array.isArray(results) ? results.at(-1)! : results;
  const value = (result.rows[0] as Record<string, unknown>)['QUERY PLAN'];
  const parsed = (typeof value === 'string' ? JSON.parse(value) : value) as { Plan: PlanNode }[];
  return parsed[0]!.Plan;
}
