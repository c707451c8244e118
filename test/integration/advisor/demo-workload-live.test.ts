import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { AdvisorReportPayload } from '../../../main/contract/advisor.ts';
import { Engine } from '../../../main/engine/engine.ts';
import { seedDemoData } from '../../../main/demo/seeder.ts';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * The advisor as the demo stack meets it: 200,000 chunks, the demo workload running with real parameters (so
 * pg_stat_statements, where the server has it, holds real calls next to the seeding statements and our own
 * catalog queries), and `advisor.analyze` through the engine with the running workload's templates.
 */
describe.each(TEST_SERVERS)('index advisor on the live demo workload, 200,000 chunks (%s)', (server) => {
  let db: TestDatabase;
  let dataDir: string;
  let engine: Engine;
  let report: AdvisorReportPayload;

  beforeAll(async () => {
    db = await createTestDatabase(server);
    const pool = new pg.Pool({ connectionString: db.url, max: 3 });
    try {
      if (server === 'pg18') await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      // The owner's one-time step for what-if costs (the system PostgreSQL 15 has HypoPG): analysis never creates it.
      if (server === 'pg15') await pool.query('CREATE EXTENSION IF NOT EXISTS hypopg');
      await seedDemoData(pool, { chunks: 200_000 });
    } finally {
      await pool.end();
    }
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-advisor-live-'));
    engine = new Engine({ dataDir, cache: false, workloadSeed: 7 });
    await engine.call('stack.connect', { pgUrl: db.url });
    await engine.call('workload.start', { profile: 'demo', rate: 300 });
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    report = await engine.call('advisor.analyze', {});
    await engine.call('workload.stop', {});
  }, 240_000);
  afterAll(async () => {
    await engine?.stop();
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("proposes exactly the expert's three B-trees for the SQL templates, and at most edges(dst) for the hybrid walks", () => {
    const all = report.proposals.map((p) => ({
      table: `${p.schema}.${p.table}`,
      columns: p.columns.map((c) => c.name),
      method: p.method,
      predicate: p.predicate,
    }));
    // The hybrid templates' plans walk the graph both ways (their statements are not templates of their own): an
    // index on edges(dst) serves the reverse steps. Nothing else may be proposed for them.
    const forWalks = all.filter((shape) => shape.table === 'unified.edges');
    expect(forWalks.every((shape) => shape.columns[0] === 'dst' && shape.method === 'btree')).toBe(true);
    expect(forWalks.length).toBeLessThanOrEqual(1);
    const shapes = all.filter((shape) => shape.table !== 'unified.edges');
    expect(report.method).toBe(server === 'pg15' ? 'hypopg' : 'estimate');
    expect(shapes).toHaveLength(3);
    expect(shapes).toEqual(
      expect.arrayContaining([
        { table: 'unified.chunks', columns: ['system_origin', 'created_at'], method: 'btree', predicate: null },
        { table: 'unified.chunks', columns: ['session_id', 'created_at', 'id'], method: 'btree', predicate: null },
        { table: 'unified.chunks', columns: ['created_at'], method: 'btree', predicate: null },
      ]),
    );
    const serving = (first: string) => report.proposals.find((p) => p.columns[0]!.name === first)!.serves.map((s) => s.template);
    expect(serving('system_origin')).toContain('recent_by_origin');
    expect(serving('session_id')).toContain('session_timeline');
    expect(serving('created_at')).toContain('time_range_count');
    const served = report.proposals.filter((p) => p.table !== 'edges').flatMap((p) => p.serves.map((s) => s.template));
    expect(served).not.toContain('chunk_by_id');
    expect(served).not.toContain('graph_neighbours');
    // Statements that are no template (null) are the hybrid plans' SQL: they may share an index, never need one of their own on chunks.
    expect(report.proposals.filter((p) => p.table !== 'edges').every((p) => p.serves.some((s) => s.template !== null))).toBe(true);
    // With pg_stat_statements the templates are found there (LIMIT 50 appears as LIMIT $3) and count real calls.
    if (server === 'pg18')
      expect(report.proposals.flatMap((p) => p.serves.filter((s) => s.template !== null).map((s) => s.queryId))).not.toContain(null);
  });
});
