import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createDemoSchema } from '../../../main/demo/demo-schema-ownership.ts';
import { seedDemoData } from '../../../main/demo/seeder.ts';
import { DEMO_PLANNER_TABLES } from '../../../main/engine/demo-planner-tables.ts';
import type { HybridFilters, PlannerSql } from '../../../main/planner/planner-types.ts';
import { readColumnStats } from '../../../main/planner/table-selectivity.ts';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';

function plannerSql(pool: pg.Pool): PlannerSql {
  return {
    query: <R extends Record<string, unknown>>(text: string, values?: readonly unknown[]) =>
      pool.query<R>(text, values ? [...values] : undefined),
  };
}

/** readColumnStats' SQL (anyarray casts, timestamps to epoch ms) against real pg_stats, checked against real counts. */
describe.each(TEST_SERVERS)('selectivity from pg_stats (%s)', (server) => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase(server);
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('says so before ANALYZE, and estimates real filters after', async () => {
    await createDemoSchema(pool);
    const before = await readColumnStats(plannerSql(pool), DEMO_PLANNER_TABLES);
    expect(before.analyzed).toBe(false);
    expect(before.selectivity({ kinds: ['x'] })).toBe(1);

    await seedDemoData(pool, { chunks: 3000 }); // ends with ANALYZE
    const stats = await readColumnStats(plannerSql(pool), DEMO_PLANNER_TABLES);
    expect(stats.analyzed).toBe(true);
    expect(stats.note).toBeNull();
    expect(stats.rows).toBe(3000);

    const { rows: origins } = await pool.query<{ v: string }>('SELECT DISTINCT system_origin AS v FROM unified.chunks ORDER BY 1');
    const { rows: kinds } = await pool.query<{ v: string }>('SELECT DISTINCT kind AS v FROM unified.chunks ORDER BY 1');
    const { rows: range } = await pool.query<{ lo: Date; hi: Date }>(
      `SELECT percentile_disc(0.25) WITHIN GROUP (ORDER BY created_at) AS lo, percentile_disc(0.6) WITHIN GROUP (ORDER BY created_at) AS hi FROM unified.chunks`,
    );
    const filters: HybridFilters[] = [
      { origins: [origins[0]!.v] },
      { kinds: [kinds[0]!.v, kinds[1]!.v] },
      { since: range[0]!.lo, until: range[0]!.hi },
    ];
    for (const f of filters) {
      const where: string[] = [];
      const values: unknown[] = [];
      if (f.origins) where.push(`system_origin = ANY($${values.push(f.origins)})`);
      if (f.kinds) where.push(`kind = ANY($${values.push(f.kinds)})`);
      if (f.since) where.push(`created_at >= $${values.push(f.since)}`);
      if (f.until) where.push(`created_at < $${values.push(f.until)}`);
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(*)::float8 / 3000 AS n FROM unified.chunks WHERE ${where.join(' AND ')}`,
        values,
      );
      const actual = rows[0]!.n;
      const estimate = stats.selectivity(f);
      // ANALYZE samples and the columns are assumed independent: close, not exact.
      expect(Math.abs(estimate - actual)).toBeLessThan(Math.max(0.04, actual * 0.2));
    }
    // Across columns the estimate assumes independence: the product of each column's estimate. (How close that is
    // to the truth depends on the data: in the demo, origins' shares drift over time, and by the time of day of the seed.)
    const origin = { origins: [origins[1]!.v] };
    const since = { since: range[0]!.lo };
    expect(stats.selectivity({ ...origin, ...since })).toBeCloseTo(stats.selectivity(origin) * stats.selectivity(since), 9);
  });
});
