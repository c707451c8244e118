import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openBenchPgPool, poolBench } from '../../../app/cli/bench/pool-bench.ts';
import { createTestDatabase, serverUrl, TEST_SERVERS } from '../../support/databases.ts';
import { waitFor } from '../../support/wait-for.ts';

// `hotpath bench pool` used to end with an unhandled 'error' ("terminating connection due to administrator
// command"): pg.Pool.end() resolves before its sessions have left, DROP DATABASE … WITH (FORCE) then
// terminated them, and pg-pool re-emitted that on a pool with no 'error' listener. An unhandled 'error' in
// this process fails the vitest run, so these tests fail the way the CLI crashed.

async function scratchDatabases(admin: pg.Client): Promise<Set<string>> {
  const { rows } = await admin.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE 'hotpath\\_bench\\_pool\\_%'",
  );
  return new Set(rows.map((r) => r.datname));
}

describe.each(TEST_SERVERS)('pool bench scratch database on %s', (server) => {
  it('a bench pool whose idle sessions the server terminates (as a forced drop does) notes the errors and the process carries on', async () => {
    const db = await createTestDatabase(server);
    const admin = new pg.Client({ connectionString: serverUrl(server) });
    admin.on('error', () => undefined);
    await admin.connect();
    const applicationName = `hp-bench-test-${Math.random().toString(36).slice(2, 10)}`;
    const pool = openBenchPgPool(db.url, 3, applicationName);
    try {
      // Three sessions at once, then all idle in the pool.
      await Promise.all([1, 2, 3].map(() => pool.query('SELECT pg_sleep(0.05)')));
      expect(pool.idleCount).toBe(3);
      const { rows } = await admin.query<{ n: number }>(
        'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
        [db.name, applicationName],
      );
      expect(rows[0]!.n).toBe(3);
      await waitFor('the pool to see its sessions end', () => (pool.sessionErrors.length === 3 ? true : undefined), 10_000);
      expect(pool.sessionErrors.every((m) => /terminating connection/.test(m))).toBe(true);
      // The pool still works: it opens a new session.
      expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
    } finally {
      await pool.end();
      await admin.end();
      await db.drop();
    }
  });

  it('a short run ends normally with every client measured, and its scratch database is gone', async () => {
    const admin = new pg.Client({ connectionString: serverUrl(server) });
    admin.on('error', () => undefined);
    await admin.connect();
    try {
      const before = await scratchDatabases(admin);
      // Three runs end on a raw pg.Pool (the order rotates), the case that met the forced drop; 16 sessions.
      const result = await poolBench({ pgUrl: serverUrl(server), runs: 3, seconds: 0.1, concurrencies: [16] });
      for (const client of ['hotpath', 'pgPool', 'pgPoolNamed', 'pgbench'] as const)
        expect(result.json.qps[client]['16']).toBeGreaterThan(0);
      const after = await scratchDatabases(admin);
      expect([...after].filter((name) => !before.has(name))).toEqual([]);
    } finally {
      await admin.end();
    }
  }, 120_000);
});
