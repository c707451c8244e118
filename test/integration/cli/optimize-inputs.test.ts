import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { runCli } from '../../support/run-cli.ts';

interface PlanJson {
  statements: number;
  proposals: { table: string; columns: string[]; predicate: string | null; serves: string[]; estimatedSizeBytes: number }[];
  skipped: { query: string; reason: string }[];
  applied: unknown;
}

/**
 * `hotpath optimize` with workload from files: --statements (SQL), --log (a server log), --sample-activity and a
 * --budget, on a database without pg_stat_statements: the statements only the files have are analyzed, and no
 * proposal (nor all of them together) is larger than the budget. Bad input stops with its place.
 */
describe.each(TEST_SERVERS)('hotpath optimize --statements, --log, --sample-activity, --budget (%s)', (server) => {
  let db: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase(server);
    dir = await mkdtemp(join(tmpdir(), 'hotpath-optimize-inputs-'));
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      for (const sql of [
        'CREATE TABLE items (id int PRIMARY KEY, code text NOT NULL, price numeric NOT NULL, note text NOT NULL)',
        "INSERT INTO items SELECT g, 'c' || g, g % 1000, repeat('n', 40) FROM generate_series(1, 100000) g",
        'ANALYZE items',
        // Reads, so the table is not write-heavy (only its load so far).
        'SELECT count(*) FROM items',
        'SELECT count(*) FROM items',
      ])
        await client.query(sql);
    } finally {
      await client.end();
    }
    await writeFile(
      join(dir, 'queries.sql'),
      "-- the lookup\nSELECT id, price FROM items WHERE code = 'c42';\nSELECT id, price FROM items WHERE code = 'c7';\n",
    );
    await writeFile(
      join(dir, 'postgresql.log'),
      '2026-12-06 08:00:00.001 UTC [311] app@shop LOG:  duration: 40.000 ms  statement: SELECT count(*)\n\t  FROM items\n\t WHERE price = 17\n',
    );
    await writeFile(join(dir, 'broken.sql'), 'SELECT 1 FROM items;\nSELECT id FROM items WHERE;\n');
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const optimize = (...flags: string[]) =>
    runCli(['optimize', '--pg', db.url, '--data-dir', join(dir, 'data'), '--dry-run', '--json', ...flags]);

  it('analyzes the statements of the files and proposes indexes within the budget', async () => {
    const budget = 10_000_000;
    const result = await optimize(
      '--statements',
      join(dir, 'queries.sql'),
      '--log',
      join(dir, 'postgresql.log'),
      '--budget',
      '10MB',
      '--sample-activity',
      '1',
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('queries.sql: 1 statement.');
    expect(result.stderr).toContain(
      'postgresql.log: read as stderr (by its content (not CSV or JSON)): 1 statement executions, 1 distinct statements.',
    );
    expect(result.stderr).toContain('Sampling pg_stat_activity for 1 s…');
    const plan = JSON.parse(result.stdout) as PlanJson;
    expect(plan.statements).toBeGreaterThanOrEqual(2);
    expect(plan.applied).toBeNull();
    const served = plan.proposals.flatMap((p) => p.serves);
    expect(served).toContain('SELECT id, price FROM items WHERE code = $1');
    expect(served).toContain('SELECT count(*)\n  FROM items\n WHERE price = $1');
    for (const p of plan.proposals) expect(p.estimatedSizeBytes).toBeLessThanOrEqual(budget);
    expect(plan.proposals.reduce((sum, p) => sum + p.estimatedSizeBytes, 0)).toBeLessThanOrEqual(budget);
  }, 120_000);

  it('proposes nothing larger than a budget too small for any index', async () => {
    const result = await optimize('--statements', join(dir, 'queries.sql'), '--budget', '100kB');
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout) as PlanJson;
    expect(plan.statements).toBe(1);
    expect(plan.proposals).toEqual([]);
  }, 120_000);

  it('stops on bad input with its place and what to do', async () => {
    const missing = await optimize('--statements', join(dir, 'nope.sql'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`--statements ${join(dir, 'nope.sql')}: cannot be read (no such file).`);
    const broken = await optimize('--statements', join(dir, 'broken.sql'));
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`${join(dir, 'broken.sql')}:2: syntax error at or near ";"`);
    const size = await optimize('--budget', 'lots');
    expect(size.code).toBe(1);
    expect(size.stderr).toContain('--budget "lots" is not a size');
    const seconds = await optimize('--sample-activity', '601');
    expect(seconds.code).toBe(1);
    expect(seconds.stderr).toContain('--sample-activity must be a whole number of seconds from 1 to 600');
  }, 120_000);
});
