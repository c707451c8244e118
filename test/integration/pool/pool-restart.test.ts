import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConnectionError, isPoolError } from '../../../main/pool/pool-errors.ts';
import { PoolManager } from '../../../main/pool/pool-manager.ts';
import { TEST_SERVERS } from '../../support/databases.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres.ts';
import { waitFor } from '../../support/wait-for.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * PostgreSQL stopped and started by the test, in the middle of a load, on a private server (the shared ones
 * must stay up for the other suites).
 */
describe.each(TEST_SERVERS)('PoolManager across a restart of a private %s', (server) => {
  let postgres: PrivatePostgres;

  beforeAll(async () => {
    postgres = await startPrivatePostgres(server);
  }, 180_000);
  afterAll(async () => {
    await postgres?.destroy();
  });

  it('recovers under load, re-prepares named statements, never reuses a broken connection, and leaves no request hanging', async () => {
    const pool = await PoolManager.open({ connection: { connectionString: postgres.url }, min: 2, max: 4, acquireTimeoutMs: 3_000 });
    try {
      const probe = { name: 'restart_probe', text: 'SELECT $1::int AS n, pg_backend_pid() AS pid' };
      let phase: 'before' | 'down' | 'after' = 'before';
      let running = true;
      const pids = { before: new Set<number>(), after: new Set<number>() };
      let okAfter = 0;
      const failuresByPid = new Map<number, number>();
      const unexpected: unknown[] = [];
      const acquireErrors: string[] = [];

      const worker = async (id: number): Promise<number> => {
        let requests = 0;
        for (let i = 0; running; i++) {
          requests += 1;
          let connection;
          try {
            connection = await pool.acquire('normal');
          } catch (error) {
            if (isPoolError(error, 'server-unavailable') || isPoolError(error, 'acquire-timeout'))
              acquireErrors.push((error as Error).message);
            else unexpected.push(error);
            await sleep(20);
            continue;
          }
          try {
            const { rows } = await connection.query({ ...probe, values: [id * 1_000_000 + i] });
            if (rows[0].n !== id * 1_000_000 + i) unexpected.push(new Error(`wrong answer ${rows[0].n}`));
            if (phase === 'before') pids.before.add(rows[0].pid);
            if (phase === 'after') {
              pids.after.add(rows[0].pid);
              okAfter += 1;
            }
            connection.release();
          } catch (error) {
            if (!isConnectionError(error)) unexpected.push(error);
            failuresByPid.set(connection.pid, (failuresByPid.get(connection.pid) ?? 0) + 1);
            connection.release(error as Error);
          }
        }
        return requests;
      };
      const workers = [1, 2, 3, 4].map(worker);
      await waitFor('load before the restart', () => (pids.before.size > 0 ? true : undefined));
      await sleep(300);

      // A long query in flight when the server goes down must fail, not hang.
      const inFlight = pool.query('high', { text: 'SELECT pg_sleep(60)' }).then(
        () => 'finished',
        (error: unknown) => error,
      );
      await sleep(100);
      phase = 'down';
      await postgres.stop();
      await sleep(1_000);
      await postgres.start();
      phase = 'after';
      await waitFor('200 answers after the restart', () => (okAfter >= 200 ? true : undefined), 60_000);
      running = false;
      const requests = await Promise.all(workers);

      const lost = await inFlight;
      expect(lost).not.toBe('finished');
      expect(isConnectionError(lost)).toBe(true);
      expect(unexpected).toEqual([]);
      expect(requests.every((n) => n > 0)).toBe(true);
      // New backends after the restart, and no connection failed twice (a broken one is never handed out again).
      expect([...pids.after].some((pid) => pids.before.has(pid))).toBe(false);
      expect([...failuresByPid.values()].every((n) => n === 1)).toBe(true);
      for (const message of acquireErrors) expect(message).toMatch(/within 3000 ms/);

      // Named statements work on the new connections (pg.Client re-prepares on each new connection).
      for (let i = 0; i < 20; i++) expect((await pool.query('normal', { ...probe, values: [i] })).rows[0].n).toBe(i);
      const snap = pool.snapshot();
      expect(snap.counters.created).toBeGreaterThanOrEqual(2);
      expect(snap.counters.brokenConnections + snap.counters.closed).toBeGreaterThanOrEqual(1);
      expect(snap.connections.total).toBeGreaterThanOrEqual(2);
    } finally {
      await pool.close();
    }
  }, 180_000);

  it('fails callers clearly while the server is down, then serves them again', async () => {
    const pool = await PoolManager.open({ connection: { connectionString: postgres.url }, min: 1, max: 2, acquireTimeoutMs: 1_000 });
    try {
      await postgres.stop();
      await waitFor('the idle connection to be dropped', () => (pool.snapshot().connections.total === 0 ? true : undefined));
      const error = await pool.query('normal', { text: 'SELECT 1' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'server-unavailable' });
      expect((error as Error).message).toMatch(/within 1000 ms: the server cannot be reached/);
      await postgres.start();
      await waitFor('the pool to reconnect', async () =>
        (await pool.query('normal', { text: 'SELECT 1 AS one' }).catch(() => undefined))?.rows[0].one === 1 ? true : undefined,
      );
      await waitFor('min connections again', () => (pool.snapshot().connections.total >= 1 ? true : undefined));
    } finally {
      await pool.close();
    }
  }, 180_000);
});
