import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { analyzeWorkload } from '../../../main/advisor/analyze-workload.ts';
import type { AdvisorReport } from '../../../main/advisor/advisor-types.ts';
import { seedDemoData } from '../../../main/demo/seeder.ts';
import { loadDemoProfile } from '../../../main/workload/demo-profile.ts';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';

describe.each(TEST_SERVERS)('index advisor on the demo workload (%s)', (server) => {
  let db: TestDatabase;
  let report: AdvisorReport;

  beforeAll(async () => {
    db = await createTestDatabase(server);
    const pool = new pg.Pool({ connectionString: db.url, max: 3 });
    try {
      if (server === 'pg18') await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      // The owner's one-time step for what-if costs (the system PostgreSQL 15 has HypoPG): analysis never creates it.
      if (server === 'pg15') await pool.query('CREATE EXTENSION IF NOT EXISTS hypopg');
      await seedDemoData(pool, { chunks: 20_000 });
    } finally {
      await pool.end();
    }
    const profile = await loadDemoProfile();
    report = await analyzeWorkload({
      pg: { connectionString: db.url },
      templates: profile.templates.map((t) => ({ name: t.name, sql: t.sql, weight: t.weight })),
    });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('proposes exactly what an expert would, with the method the server allows', () => {
    const shapes = report.proposals.map((p) => ({
      table: `${p.schema}.${p.table}`,
      columns: p.columns.map((c) => c.name),
      method: p.method,
      predicate: p.predicate,
    }));
    expect(report.method).toBe(server === 'pg15' ? 'hypopg' : 'estimate');
    const timeIndex = shapes.find((s) => s.columns.length === 1 && s.columns[0] === 'created_at');
    expect(timeIndex).toBeDefined();
    // A B-tree or, on a column that follows insertion order, a BRIN: both are what an expert would build.
    expect(['btree', 'brin']).toContain(timeIndex!.method);
    expect(shapes).toHaveLength(3);
    expect(shapes).toEqual(
      expect.arrayContaining([
        { table: 'unified.chunks', columns: ['system_origin', 'created_at'], method: 'btree', predicate: null },
        { table: 'unified.chunks', columns: ['session_id', 'created_at', 'id'], method: 'btree', predicate: null },
        { table: 'unified.chunks', columns: ['created_at'], method: timeIndex!.method, predicate: null },
      ]),
    );
    const origin = report.proposals.find((p) => p.columns[0]!.name === 'system_origin')!;
    expect(origin.serves.map((s) => s.template)).toContain('recent_by_origin');
    const served = report.proposals.flatMap((p) => p.serves.map((s) => s.template));
    expect(served).not.toContain('chunk_by_id');
    expect(served).not.toContain('graph_neighbours');
  });
});
