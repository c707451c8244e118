import { createHash } from 'node:crypto';
import type pg from 'pg';
import { COLUMNS_AS_TEXT } from './columns-as-text.ts';
import type { ExecutionTiming, WorkloadTarget } from './workload-target.ts';

/** What runs the statements: the pool manager's `timedQuery` on a lane (see main/pool). */
export interface TimedQueryRunner {
  timedQuery(
    lane: 'normal',
    query: { name: string; text: string; values: unknown[]; rowMode: 'array'; types: pg.CustomTypesConfig },
  ): Promise<{ result: pg.QueryResult; acquireUs: number; serverUs: number }>;
}

/**
 * Runs workload templates on PostgreSQL as named prepared statements on the pool's normal lane: each
 * connection parses and plans a template once, then only binds and executes it, where an unnamed query is parsed
 * and planned again every time (`npm run bench -- pool` compares the two: docs/measurements.md).
 */
export class PgWorkloadTarget implements WorkloadTarget {
  private readonly statements: { name: string; text: string }[];

  constructor(
    private readonly pool: TimedQueryRunner,
    templates: readonly { name: string; sql: string }[],
  ) {
    // The name depends on the SQL text, so an edited template is never run under an old plan.
    this.statements = templates.map((t) => ({
      name: `hotpath_${createHash('sha1').update(t.sql).digest('hex').slice(0, 16)}`,
      text: t.sql,
    }));
  }

  async execute(template: number, params: unknown[]): Promise<ExecutionTiming> {
    return (await this.run(template, params)).timing;
  }

  /** Like execute, with the rows (arrays of column text; see COLUMNS_AS_TEXT): what a cached template stores. */
  async run(template: number, params: unknown[]): Promise<{ rows: unknown[]; timing: ExecutionTiming }> {
    const statement = this.statements[template]!;
    const { result, acquireUs, serverUs } = await this.pool.timedQuery('normal', {
      name: statement.name,
      text: statement.text,
      values: params,
      rowMode: 'array',
      types: COLUMNS_AS_TEXT,
    });
    return { rows: result.rows, timing: { acquireUs, serverUs } };
  }
}
