import type pg from 'pg';
import type { PlanNode } from './plan-predicates.ts';

/** Every query the advisor sends carries this comment, so it never mistakes its own catalog reads for workload. */
export const ADVISOR_MARKER = '/* hotpath:index-advisor */';

/**
 * The highest `$n` placeholder of a statement, outside strings, quoted identifiers and comments: how many
 * parameters a PREPARE'd copy takes.
 */
export function parameterCount(sql: string): number {
  let highest = 0;
  const scrubbed = sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/"(?:[^"]|"")*"/g, '""');
  for (const m of scrubbed.matchAll(/\$(\d+)/g)) highest = Math.max(highest, Number(m[1]));
  return highest;
}

let prepareCounter = 0;

/**
 * The generic plan of a normalized statement (with `$n` placeholders): the plan PostgreSQL would use for any
 * parameter values, which is what an index has to serve. 16+ has EXPLAIN (GENERIC_PLAN); 15 gets the same
 * through PREPARE + plan_cache_mode = force_generic_plan + EXPLAIN EXECUTE with NULLs (what dexter does).
 * The prepared statement is made afresh every time: a cached generic plan would not notice hypothetical
 * indexes created after it. Never EXPLAIN ANALYZE: nothing runs.
 */
export async function explainGeneric(client: pg.Client, serverVersion: number, sql: string): Promise<PlanNode> {
  const body = sql.trim().replace(/;\s*$/, '');
  const params = parameterCount(body);
  if (serverVersion >= 160000) {
    const options = params > 0 ? 'GENERIC_PLAN, VERBOSE, FORMAT JSON' : 'VERBOSE, FORMAT JSON';
    return firstPlan(await client.query(`${ADVISOR_MARKER} EXPLAIN (${options}) ${body}`));
  }
  if (params === 0) return firstPlan(await client.query(`${ADVISOR_MARKER} EXPLAIN (VERBOSE, FORMAT JSON) ${body}`));
  const name = `hotpath_advisor_${process.pid}_${++prepareCounter}`;
  await client.query(`PREPARE ${name} AS ${body}`);
  try {
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL plan_cache_mode = force_generic_plan`);
      const nulls = Array.from({ length: params }, () => 'NULL').join(', ');
      return firstPlan(await client.query(`${ADVISOR_MARKER} EXPLAIN (VERBOSE, FORMAT JSON) EXECUTE ${name}(${nulls})`));
    } finally {
      await client.query('ROLLBACK');
    }
  } finally {
    await client.query(`DEALLOCATE ${name}`);
  }
}

function firstPlan(result: pg.QueryResult): PlanNode {
  const value = (result.rows[0] as Record<string, unknown>)['QUERY PLAN'];
  const parsed = (typeof value === 'string' ? JSON.parse(value) : value) as { Plan: PlanNode }[];
  return parsed[0]!.Plan;
}
