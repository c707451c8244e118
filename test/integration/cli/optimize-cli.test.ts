import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../support/databases.ts';
import { runCli } from '../../support/run-cli.ts';
import { createSeededDatabase, type SeededDatabase } from '../../support/seeded-database.ts';

async function chunkIndexes(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ indexname: string }>("SELECT indexname FROM pg_indexes WHERE schemaname = 'unified' ORDER BY 1");
    return result.rows.map((r) => r.indexname);
  } finally {
    await client.end();
  }
}

/** `hotpath optimize --dry-run --json`: the plan as one JSON object, documented in the README, and nothing changed. */
describe('hotpath optimize (pg18, pg_stat_statements)', () => {
  let db: TestDatabase;
  let dataDir: string;

  let seeded: SeededDatabase | undefined;

  beforeAll(async () => {
    seeded = await createSeededDatabase('pg18', { chunks: 20_000, dataDirPrefix: 'hotpath-optimize-cli-' });
    ({ db, dataDir } = seeded);
  });
  afterAll(async () => {
    await seeded?.drop();
  });

  it('prints the proposals with table, columns in order, method, predicate and DDL, and builds nothing', async () => {
    const before = await chunkIndexes(db.url);
    const result = await runCli([
      'optimize',
      '--pg',
      db.url,
      '--data-dir',
      dataDir,
      '--workload',
      'demo',
      '--rate',
      '200',
      '--warmup',
      '3',
      '--dry-run',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout) as {
      method: string;
      proposals: { table: string; columns: string[]; method: string; predicate: string | null; ddl: string }[];
      applied: unknown;
      before: Record<string, number> | null;
    };
    expect(plan.method).toBe('estimate');
    expect(plan.proposals.length).toBeGreaterThanOrEqual(2);
    // On chunks for the SQL templates; on edges (dst first) for the hybrid templates' reverse graph walks.
    expect(plan.proposals.filter((p) => p.table === 'chunks').length).toBeGreaterThanOrEqual(2);
    for (const proposal of plan.proposals) {
      expect(proposal).toMatchObject({
        table: expect.stringMatching(/^(chunks|edges)$/),
        method: expect.stringMatching(/^(btree|brin)$/),
        predicate: null,
      });
      expect(proposal.columns.length).toBeGreaterThan(0);
      if (proposal.table === 'edges') expect(proposal.columns[0]).toBe('dst');
      expect(proposal.ddl).toMatch(/^CREATE INDEX CONCURRENTLY "hp_(chunks|edges)_/);
    }
    expect(plan.applied).toBeNull();
    expect(plan.before?.all).toBeGreaterThan(0);
    expect(await chunkIndexes(db.url)).toEqual(before);
  });

  it('does not warn that the L2 cache tier is off: optimize runs without a cache', async () => {
    const result = await runCli(['optimize', '--pg', db.url, '--data-dir', dataDir, '--dry-run']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^warn: /m); // other warnings are printed
    expect(result.stderr).not.toContain('L2');
  });

  it('says what is missing when no database is given', async () => {
    const result = await runCli(['optimize', '--dry-run']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('optimize needs a database');
    expect(result.stderr).toContain('--pg');
  });
});
