import { ContractError } from '../contract/api.ts';
import { isPoolError, type PoolManager, type QueryConfig } from '../pool/index.ts';

/** A plan takes milliseconds; this only bounds a server that does not answer. */
const PROBE_TIMEOUT_MS = 10_000;

/**
 * Plans every template once, with parameters drawn the way the runner will draw them, before a workload
 * replaces the running one: SQL the server cannot prepare (a missing column or table, a type error) is
 * refused as a whole, naming the template, instead of failing every request after the old workload is gone.
 *
 * EXPLAIN (without ANALYZE) parses, analyses and plans without executing. The template is already known to be
 * one read-only statement (the profile's validation); the extended protocol (`queryMode: 'extended'`) makes
 * the server refuse more than one statement in any case.
 *
 * The probe runs on the high lane: the running workload fills the normal lane, and a probe queued behind its
 * backlog would time out on a database that is merely busy. A timeout is reported as one (the template could not
 * be checked), never as SQL that does not run.
 */
export async function probeTemplates(
  pool: Pick<PoolManager, 'query'>,
  profileName: string,
  templates: readonly { name: string; sql: string }[],
  nextParams: readonly (() => unknown[])[],
): Promise<void> {
  for (const [index, template] of templates.entries()) {
    const query = { text: `EXPLAIN ${template.sql}`, values: nextParams[index]!(), queryMode: 'extended' } as QueryConfig;
    try {
      await pool.query('high', query, { timeoutMs: PROBE_TIMEOUT_MS });
    } catch (error) {
      if (isPoolError(error, 'acquire-timeout') || isPoolError(error, 'cancelled')) {
        throw new ContractError(
          'workload-probe-timeout',
          `Template "${template.name}" of profile "${profileName}" could not be checked: the database did not plan it within ${PROBE_TIMEOUT_MS / 1000} s (${error.message}).`,
          'The database or the connection pool is busy, or the server does not answer. Try again; the running workload, if any, was left as it was.',
        );
      }
      // Any other pool error (closed pool, server gone) keeps its own code and wording.
      if (isPoolError(error)) throw error;
      throw new ContractError(
        'workload-sql-failed',
        `Template "${template.name}" of profile "${profileName}" does not run on this database: ${(error as Error).message}.`,
        'Fix the template (or create what it reads), then start the workload again. The running workload, if any, was left as it was.',
      );
    }
  }
}
