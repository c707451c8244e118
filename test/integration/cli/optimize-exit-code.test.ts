import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { TEST_SERVERS } from '../../support/databases.ts';
import { runCli } from '../../support/run-cli.ts';
import { createSeededDatabase } from '../../support/seeded-database.ts';

/**
 * `hotpath optimize` whose every build fails must not exit 0: another session holds a lock that conflicts with
 * CREATE INDEX CONCURRENTLY on both demo tables (SHARE UPDATE EXCLUSIVE lets the workload's reads through), so each
 * build hits lock_timeout. The plan and the failures are still printed, and nothing is left behind.
 */
describe('hotpath optimize exits non-zero when its steps fail', () => {
  // Both servers at once: each run spends most of its time waiting out its builds' 5 s lock timeouts, not on a core.
  // 5,000 chunks are enough for the advisor to propose its three demo indexes on either server.
  it.concurrent.each(TEST_SERVERS)(
    'exits 1 with a summary when every index build times out on a lock, and leaves no index (%s)',
    async (server) => {
      const { db, dataDir, drop } = await createSeededDatabase(server, { chunks: 5_000, dataDirPrefix: 'hotpath-optimize-exit-' });
      const holder = new pg.Client({ connectionString: db.url });
      holder.on('error', () => undefined);
      try {
        await holder.connect();
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
        await drop();
      }
    },
    240_000,
  );
});
