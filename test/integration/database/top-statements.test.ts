import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { TopStatementsSampler } from '../../../main/database/top-statements.ts';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';

describe('top statements on PostgreSQL 18 (pg_stat_statements preloaded)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase('pg18');
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('gives rates over the window between two samples for a query run many times', async () => {
    const sampler = new TopStatementsSampler(pool);
    const first = await sampler.sample(100);
    expect(first).toMatchObject({ available: true, reason: null, windowMs: 0 });
    expect(first.statements.every((s) => s.callsPerSecond === 0)).toBe(true);

    for (let i = 0; i < 40; i++) await pool.query('SELECT $1::int + 1 AS hotpath_marker', [i]);
    const second = await sampler.sample(100);
    expect(second.windowMs).toBeGreaterThan(0);
    const marker = second.statements.find((s) => s.query.includes('hotpath_marker'));
    expect(marker, JSON.stringify(second.statements.map((s) => s.query))).toBeDefined();
    expect(marker!.calls).toBe(40);
    expect(marker!.callsPerSecond).toBeGreaterThan(0);
    expect(marker!.callsPerSecond).toBeCloseTo((40 * 1000) / second.windowMs, 6);
    expect(marker!.meanMs).toBeCloseTo(marker!.totalMs / 40, 9);
    expect(marker!.shareOfTotal).toBeGreaterThan(0);
    expect(marker!.shareOfTotal).toBeLessThanOrEqual(1);
    const shares = second.statements.reduce((sum, s) => sum + s.shareOfTotal, 0);
    expect(shares).toBeCloseTo(1, 6);
  });

  it('only shows statements of the current database', async () => {
    const other = await createTestDatabase('pg18');
    const otherPool = new pg.Pool({ connectionString: other.url, max: 1 });
    try {
      for (let i = 0; i < 5; i++) await otherPool.query('SELECT $1::int AS hotpath_elsewhere', [i]);
      const sample = await new TopStatementsSampler(pool).sample(100);
      expect(sample.statements.some((s) => s.query.includes('hotpath_elsewhere'))).toBe(false);
    } finally {
      await otherPool.end();
      await other.drop();
    }
  });
});

describe('top statements on PostgreSQL 15 (pg_stat_statements not preloaded)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase('pg15');
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('says it is unavailable and how to enable it, without throwing', async () => {
    const sample = await new TopStatementsSampler(pool).sample(15);
    expect(sample).toMatchObject({ available: false, windowMs: 0, statements: [] });
    expect(sample.reason).toMatch(/shared_preload_libraries/);
    expect(sample.reason).toContain(`CREATE EXTENSION pg_stat_statements; in database "${db.name}"`);
  });

  it('says the library is not loaded when the extension exists but the server cannot use it', async () => {
    await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const sample = await new TopStatementsSampler(pool).sample(15);
    expect(sample).toMatchObject({ available: false, statements: [] });
    expect(sample.reason).toMatch(/not loaded by the server.*shared_preload_libraries.*restart/);
  });
});
