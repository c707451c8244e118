import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SERVERS, type TestDatabase } from '../../support/databases.ts';
import { runCli } from '../../support/run-cli.ts';
import { createSeededDatabase, type SeededDatabase } from '../../support/seeded-database.ts';

/**
 * `hotpath optimize` whose every build fails must not exit 0: another session holds a lock that conflicts with
 * CREATE INDEX CONCURRENTLY on both demo tables (SHARE UPDATE EXCLUSIVE lets the workload's reads through), so each
 * build hits lock_timeout. The plan and the failures are still printed, and nothing is left behind.
 */
describe.each(TEST_SERVERS)('hotpath optimize exits non-zero when its steps fail (%s)', (server) => {
  let db: TestDatabase;
  let dataDir: string;

  let seeded: SeededDatabase | undefined;

  beforeAll(async () => {
    seeded = await createSeededDatabase(server, { chunks: 20_000, dataDirPrefix: 'hotpath-optimize-exit-' });
    ({ db, dataDir } = seeded);
  });
  afterAll(async () => {
    await seeded?.drop();
  });

  it('exits 1 with a summary when every index build times out on a lock, and leaves no index', async () => {
    const holder = new pg.Client({ connectionString: db.url });
    holder.on('error', () => undefined);
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE unified.chunks, unified.edges IN SHARE UPDATE EXCLUSIVE MODE');
      const result = await runCli([
        'optimize',
        '--pg',
        db.url,
        '--data-dir',
        dataDir,
        '--workload',
        'demo',
        '--rate',
        '100',
        '--warmup',
        '3',
        '--json',
      ]);
      expect(result.code, result.stderr).toBe(1);
      const output = JSON.parse(result.stdout) as { steps: { id: string }[]; applied: { id: string; status: string; message: string }[] };
      const indexSteps = output.steps.filter((s) => s.id.startsWith('index:'));
      expect(indexSteps.length).toBeGreaterThan(0);
      expect(output.applied.filter((s) => s.id.startsWith('index:')).map((s) => s.status)).toEqual(indexSteps.map(() => 'failed'));
      expect(result.stderr).toMatch(new RegExp(`${indexSteps.length} of ${output.steps.length} steps? failed`));
      await holder.query('ROLLBACK');
      const { rows } = await holder.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = 'unified' AND indexname LIKE 'hp\\_%'`,
      );
      expect(rows[0]!.n).toBe(0);
    } finally {
      await holder.end();
    }
  }, 240_000);
});
