import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PoolManager } from '../../../main/pool/pool-manager.ts';
import { PgWorkloadTarget } from '../../../main/workload/pg-workload-target.ts';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * The workload keeps each row as PostgreSQL sent it: an array of column texts in column order, nothing parsed
 * (the rows are only cached for the next request, never read).
 */
describe.each(TEST_SERVERS)('workload rows on %s', (server) => {
  let db: TestDatabase;
  let pool: PoolManager;

  beforeAll(async () => {
    db = await createTestDatabase(server);
    pool = await PoolManager.open({ connection: { connectionString: db.url }, readOnly: true, min: 1, max: 2 });
  });
  afterAll(async () => {
    await pool?.close();
    await db?.drop();
  });

  it('are arrays of the columns as text, nulls as null, whatever the types', async () => {
    const target = new PgWorkloadTarget(pool, [
      {
        name: 'typed',
        sql: `SELECT $1::bigint AS big, timestamptz '2026-01-02 03:04:05+00' AS at, '{"a": 1}'::jsonb AS doc,
                     true AS flag, NULL::int AS nothing, 1.50::numeric AS price
              FROM generate_series(1, 2)`,
      },
    ]);
    const { rows, timing } = await target.run(0, [9_007_199_254_740_993n.toString()]);
    const at = (await pool.query('normal', { text: "SELECT timestamptz '2026-01-02 03:04:05+00'::text AS at" })).rows[0].at as string;
    expect(rows).toEqual([
      ['9007199254740993', at, '{"a": 1}', 't', null, '1.50'],
      ['9007199254740993', at, '{"a": 1}', 't', null, '1.50'],
    ]);
    expect(timing.serverUs).toBeGreaterThan(0);
  });

  it('leave other queries on the same pool with parsed objects', async () => {
    const target = new PgWorkloadTarget(pool, [{ name: 'one', sql: 'SELECT 1::int AS n' }]);
    await target.run(0, []);
    const { rows } = await pool.query('normal', { text: 'SELECT 1::int AS n, true AS flag' });
    expect(rows).toEqual([{ n: 1, flag: true }]);
  });
});
