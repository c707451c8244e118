import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lane } from '../../../main/pool/lanes.ts';
import { PoolError } from '../../../main/pool/pool-errors.ts';
import { PoolGroup } from '../../../main/pool/pool-group.ts';
import { PoolManager } from '../../../main/pool/pool-manager.ts';
import type { PoolManagerOptions } from '../../../main/pool/pool-options.ts';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { waitFor } from '../../support/wait-for.ts';

/** Polls until the condition holds (generous deadline; nothing here asserts a duration). */
function until(what: string, condition: () => boolean | Promise<boolean>): Promise<true> {
  return waitFor(what, async () => ((await condition()) ? true : undefined));
}

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; hint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe.each(TEST_SERVERS)('PoolManager on %s', (server) => {
  let db: TestDatabase;
  const pools: PoolManager[] = [];
  const open = async (options: Omit<PoolManagerOptions, 'connection'>): Promise<PoolManager> => {
    const pool = await PoolManager.open({ connection: { connectionString: db.url }, ...options });
    pools.push(pool);
    return pool;
  };

  beforeAll(async () => {
    db = await createTestDatabase(server);
  });
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.close()));
    await db?.drop();
  });

  it('keeps min connections open and warm, sized from the server, with its settings applied', async () => {
    const pool = await open({ min: 2, max: 3, applicationName: 'hotpath-pool-warm' });
    const size = pool.size();
    expect(size).toMatchObject({ min: 2, max: 3 });
    expect(size.serverMaxConnections).toBeGreaterThan(3);
    expect(size.limitReason).toMatch(/max_connections/);
    const { rows } = await pool.query('normal', {
      text: "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'hotpath-pool-warm'",
    });
    expect(rows[0].n).toBe(2);
    const settings = pool.settings();
    const shown = await pool.query('normal', {
      text: "SELECT current_setting('work_mem') AS work_mem, current_setting('jit') AS jit, current_setting('statement_timeout') AS st",
    });
    expect(shown.rows[0]).toMatchObject({ jit: 'off', st: '30s' });
    const serverKb = await pool.query('normal', { text: "SELECT pg_size_bytes(current_setting('work_mem')) / 1024 AS kb" });
    expect(Number(serverKb.rows[0].kb)).toBe(settings.values.workMemKb);
    expect(settings.reasons.workMemKb).toMatch(/connections/);

    const defaults = await open({});
    expect(defaults.size().max).toBeGreaterThanOrEqual(1);
    expect(defaults.size().limitReason).toMatch(/cores × 2 \+ 1|allows/);
  });

  it('rejects clearly when the server is unreachable', async () => {
    const error = await rejection(
      PoolManager.open({ connection: { connectionString: 'postgres://postgres@127.0.0.1:1/postgres' }, acquireTimeoutMs: 2000 }),
    );
    expect(error).toBeInstanceOf(PoolError);
    expect(error.code).toBe('server-unavailable');
    expect(error.message).toMatch(/127\.0\.0\.1:1/);
  });

  it('serves high, then normal, then low when saturated', async () => {
    const pool = await open({ min: 2, max: 2 });
    const held = [await pool.acquire('normal'), await pool.acquire('normal')];
    const order: string[] = [];
    const callers: Promise<void>[] = [];
    const enqueue = (lane: Lane, name: string) =>
      callers.push(
        pool.acquire(lane).then((connection) => {
          order.push(name);
          connection.release();
        }),
      );
    enqueue('low', 'low1');
    enqueue('normal', 'normal1');
    enqueue('low', 'low2');
    enqueue('high', 'high1');
    enqueue('normal', 'normal2');
    enqueue('high', 'high2');
    enqueue('low', 'low3');
    await until('3 low waiters', () => pool.snapshot().waiting.low === 3);
    held[0]!.release();
    await Promise.all(callers);
    held[1]!.release();
    expect(order).toEqual(['high1', 'high2', 'normal1', 'normal2', 'low1', 'low2', 'low3']);
  });

  it('keeps reserved capacity for high while low is at its cap (pg_sleep load)', async () => {
    const pool = await open({ min: 4, max: 4, lanes: { highReservedShare: 0.25, lowMaxShare: 0.5 } });
    const lows = [1, 2, 3].map(() => pool.query('low', { text: 'SELECT pg_sleep(1.5)' }));
    await until('the third low to wait', () => pool.snapshot().waiting.low === 1);
    const high = await pool.query('high', { text: 'SELECT 1 AS one' });
    expect(high.rows[0].one).toBe(1);
    const snap = pool.snapshot();
    // Two lows run (the cap of 50% of 4), the third waits although a connection is free.
    expect(snap.connections.activeByLane.low).toBe(2);
    expect(snap.waiting.low).toBe(1);
    await Promise.all(lows);
  });

  it('times out an acquire with a clear error', async () => {
    const pool = await open({ min: 1, max: 1, acquireTimeoutMs: 300 });
    const held = await pool.acquire('normal');
    pool.snapshot();
    const error = await rejection(pool.acquire('high'));
    expect(error).toBeInstanceOf(PoolError);
    expect(error.code).toBe('acquire-timeout');
    expect(error.message).toMatch(/within 300 ms: 1 of 1 connections busy/);
    expect(error.hint).toBeTruthy();
    expect(pool.snapshot().counters.timeouts.high).toBe(1);
    held.release();
    expect((await pool.query('normal', { text: 'SELECT 1 AS one' })).rows[0].one).toBe(1);
  });

  it('lets the server cancel a statement past statement_timeout, and keeps the connection', async () => {
    const pool = await open({ min: 1, max: 1, sessionSettings: { statementTimeoutMs: 200 } });
    const error = await rejection(pool.query('normal', { text: 'SELECT pg_sleep(5)' }));
    expect(error.code).toBe('57014');
    expect(error.message).toMatch(/statement timeout/);
    expect((await pool.query('normal', { text: 'SELECT 2 AS two' })).rows[0].two).toBe(2);
    expect(pool.snapshot().counters.errors).toBe(1);
  });

  it('cancels the query on the server when the caller aborts or its timeout passes', async () => {
    const pool = await open({ min: 1, max: 1 });
    const pid = (await pool.query('normal', { text: 'SELECT pg_backend_pid() AS pid' })).rows[0].pid as number;
    const controller = new AbortController();
    const running = pool.query('normal', { text: 'SELECT pg_sleep(30)' }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    const aborted = await rejection(running);
    expect(aborted).toBeInstanceOf(PoolError);
    expect(aborted.code).toBe('cancelled');
    // The same backend is free again (the cancel reached it), and answers the next query.
    const after = await pool.query('normal', { text: 'SELECT pg_backend_pid() AS pid' });
    expect(after.rows[0].pid).toBe(pid);

    const timedOut = await rejection(pool.query('normal', { text: 'SELECT pg_sleep(30)' }, { timeoutMs: 300 }));
    expect(timedOut.code).toBe('cancelled');
    expect(timedOut.message).toMatch(/300 ms/);
    const observer = await open({ min: 1, max: 1 });
    await until(
      'the cancelled backend to be idle',
      async () =>
        (await observer.query('normal', { text: 'SELECT state FROM pg_stat_activity WHERE pid = $1', values: [pid] })).rows[0]?.state ===
        'idle',
    );
    expect(pool.snapshot().counters.cancellations).toBe(2);
  });

  it('reports a leaked connection with the stack that took it', async () => {
    const pool = await open({ min: 1, max: 2, leakThresholdMs: 200 });
    const leaked = await pool.acquire('low');
    await until('a leak report', () => pool.leaks().length === 1);
    const [report] = pool.leaks();
    expect(report).toMatchObject({ lane: 'low', pid: leaked.pid });
    expect(report!.heldMs).toBeGreaterThanOrEqual(200);
    expect(report!.stack).toMatch(/pool-manager\.test\.ts/);
    await until('the leak counter', () => pool.snapshot().counters.leaks === 1);
    leaked.release();
    expect(pool.leaks()).toEqual([]);
  });

  it("rejects bad settings with the server's reason and applies, then reverts, good ones", async () => {
    const pool = await open({ min: 2, max: 2 });
    const atOpen = await rejection(PoolManager.open({ connection: { connectionString: db.url }, sessionSettings: { lockTimeoutMs: -1 } }));
    expect(atOpen).toMatchObject({ code: 'invalid-setting' });
    expect(atOpen.message).toMatch(/lock_timeout/);
    const tooSmall = await rejection(pool.proposeSettings({ workMemKb: 10 }));
    expect(tooSmall).toMatchObject({ code: 'invalid-setting' });
    expect(tooSmall.message).toMatch(/10 kB is outside the valid range for parameter "work_mem"/);
    const badMode = await rejection(pool.applySettings({ planCacheMode: 'sometimes' }));
    expect(badMode.message).toMatch(/invalid value for parameter "plan_cache_mode": "sometimes"/);
    expect(badMode.hint).toMatch(/Available values/);
    const badTimeout = await rejection(pool.proposeSettings({ statementTimeoutMs: -5 }));
    expect(badTimeout.message).toMatch(/statement_timeout/);
    const huge = await rejection(pool.proposeSettings({ workMemKb: 1024 * 1024 * 1024 }));
    expect(huge).toMatchObject({ code: 'invalid-setting' });
    expect(huge.message).toMatch(/budget/);
    const unknown = await rejection(pool.proposeSettings({ shared_buffers: '1GB' } as never));
    expect(unknown.message).toMatch(/Unknown session setting shared_buffers/);
    // Nothing was applied by any of these.
    const before = pool.settings().values;
    expect((await pool.query('normal', { text: "SELECT current_setting('plan_cache_mode') AS m" })).rows[0].m).toBe('auto');

    const proposed = await pool.proposeSettings({ workMemKb: 1024 });
    expect(proposed.workMemKb).toBe(1024);
    expect(pool.settings().values).toEqual(before);
    await pool.applySettings({ workMemKb: 1024, lockTimeoutMs: 1234 });
    expect(pool.settings().reasons.workMemKb).toMatch(/operator/);
    expect(pool.settings().canRevert).toBe(true);
    // Both connections (one held while the other answers) now have it.
    const a = await pool.acquire('normal');
    const b = await pool.acquire('normal');
    for (const connection of [a, b]) {
      const { rows } = await connection.query({ text: "SELECT current_setting('work_mem') AS w, current_setting('lock_timeout') AS l" });
      expect(rows[0]).toEqual({ w: '1MB', l: '1234ms' });
    }
    a.release();
    b.release();
    const reverted = await pool.revertSettings();
    expect(reverted).toEqual(before);
    const { rows } = await pool.query('normal', { text: "SELECT current_setting('lock_timeout') AS l" });
    expect(rows[0].l).toBe('5s');
  });

  it("resizes within the server's limits, shrinking idle connections first", async () => {
    const pool = await open({ min: 3, max: 3 });
    const tooBig = await rejection(pool.resize({ max: 100_000 }));
    expect(tooBig).toMatchObject({ code: 'invalid-size' });
    expect(tooBig.message).toMatch(/max_connections/);
    const badMin = await rejection(pool.resize({ min: 5, max: 2 }));
    expect(badMin.message).toMatch(/minimum \(5 connections\) is above its maximum \(2 connections\)/);
    const held = await pool.acquire('normal');
    const size = await pool.resize({ min: 1, max: 1 });
    expect(size).toMatchObject({ min: 1, max: 1 });
    expect(pool.snapshot().connections.total).toBe(1);
    held.release();
    const grown = await pool.resize({ min: 2, max: 4 });
    expect(grown.max).toBe(4);
    await until('2 connections after growing', () => pool.snapshot().connections.total === 2);
  });

  it('runs named prepared statements, prepared once per connection', async () => {
    const pool = await open({ min: 1, max: 1 });
    const query = { name: 'pool_test_add', text: 'SELECT $1::int + 1 AS n', values: [41] };
    expect((await pool.query('normal', query)).rows[0].n).toBe(42);
    expect((await pool.query('normal', { ...query, values: [1] })).rows[0].n).toBe(2);
    const { rows } = await pool.query('normal', {
      text: "SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name = 'pool_test_add'",
    });
    expect(rows[0].n).toBe(1);
    const timed = await pool.timedQuery('normal', { ...query, values: [2] });
    expect(timed.result.rows[0].n).toBe(3);
    expect(timed.acquireUs).toBeGreaterThanOrEqual(0);
    expect(timed.serverUs).toBeGreaterThan(0);
  });

  it('makes every session read-only when asked', async () => {
    const pool = await open({ min: 1, max: 1, readOnly: true });
    const error = await rejection(pool.query('normal', { text: 'CREATE TABLE should_fail (id int)' }));
    expect(error.code).toBe('25006');
  });

  it('measures acquire wait, usage and efficiency under saturation', async () => {
    const pool = await open({ min: 2, max: 2 });
    pool.snapshot();
    await Promise.all([1, 2, 3, 4, 5, 6].map((i) => pool.query(i % 2 ? 'normal' : 'low', { text: 'SELECT pg_sleep(0.2)' })));
    const snap = pool.snapshot();
    expect(snap.counters.acquires.normal + snap.counters.acquires.low).toBe(6);
    expect(snap.acquireWaitUs.normal.count + snap.acquireWaitUs.low.count).toBe(6);
    expect(Math.max(snap.acquireWaitUs.normal.p99Us, snap.acquireWaitUs.low.p99Us)).toBeGreaterThan(100_000);
    expect(snap.usageUs.p50Us).toBeGreaterThan(150_000);
    // Six 200 ms queries on two connections: callers held connections 1.2 s and queued about as long (2 × 200 ms +
    // 2 × 400 ms), so about half their time in the pool ran queries: a pool too small for its load fails.
    expect(snap.efficiency).not.toBeNull();
    expect(snap.efficiency!).toBeGreaterThan(0.3);
    expect(snap.efficiency!).toBeLessThan(0.6);
    expect(snap.saturatedMs).toBeGreaterThan(0);
    const quiet = pool.snapshot();
    expect(quiet.efficiency).toBeNull();
    expect(quiet.connections).toMatchObject({ total: 2, idle: 2, active: 0 });
  });

  it('starts a query in the tick its idle connection is checked out: a burst holds no connection idle', async () => {
    let now = 0;
    const pool = await open({ min: 2, max: 2, clock: () => now });
    await waitFor('two idle connections', () => (pool.snapshot().connections.idle === 2 ? true : undefined));
    pool.snapshot();
    const first = pool.timedQuery('normal', { text: 'SELECT 1' });
    now = 10; // the rest of the burst's synchronous work, before the next request of the same tick
    const second = pool.timedQuery('normal', { text: 'SELECT 1' });
    now = 20;
    await Promise.all([first, second]);
    // Held 20 + 10 connection-ms and running as long; had the queries started only after the tick, none of it.
    expect(pool.snapshot().efficiency).toBe(1);
  });

  it('lets a waiting caller give up with its signal, and serves the next one', async () => {
    const pool = await open({ min: 1, max: 1 });
    const held = await pool.acquire('normal');
    const controller = new AbortController();
    const waiting = pool.acquire('low', { signal: controller.signal });
    const next = pool.query('normal', { text: 'SELECT 3 AS three' });
    controller.abort();
    expect(await rejection(waiting)).toMatchObject({ code: 'cancelled' });
    held.release();
    expect((await next).rows[0].three).toBe(3);
    expect(pool.snapshot().waiting).toEqual({ high: 0, normal: 0, low: 0 });
  });

  it('runs with an adaptive (Gradient2) limit that never exceeds max', async () => {
    const pool = await open({ min: 1, max: 3, adaptive: true });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => pool.query('normal', { name: 'adaptive_probe', text: 'SELECT $1::int AS n', values: [i] })),
    );
    expect(results.map((r) => r.rows[0].n)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const snap = pool.snapshot();
    expect(snap.limit).toBeGreaterThanOrEqual(1);
    expect(snap.limit).toBeLessThanOrEqual(3);
  });

  it('groups a primary and a read-only replica; normal and low reads go to the replica, high to the primary', async () => {
    const group = await PoolGroup.open({ primary: { connectionString: db.url }, replicas: [{ connectionString: db.url }], min: 1, max: 2 });
    try {
      expect(group.forRead('high')).toBe(group.primary);
      expect(group.forRead('normal')).toBe(group.replicas[0]);
      expect(group.replicas[0]!.role).toBe('replica');
      const readOnly = async (lane: Lane) =>
        (await group.read(lane, { text: "SELECT current_setting('default_transaction_read_only') AS ro" })).rows[0].ro;
      expect(await readOnly('low')).toBe('on');
      expect(await readOnly('high')).toBe('off');
      const snap = group.snapshot();
      expect(snap.replicas).toHaveLength(1);
      expect(snap.primary.counters.acquires.high).toBe(1);
    } finally {
      await group.close();
    }
  });

  it('drops connections the server closed while idle, without handing them out', async () => {
    const pool = await open({ min: 2, max: 2 });
    const a = await pool.acquire('normal');
    const b = await pool.acquire('normal');
    const pids = [a.pid, b.pid];
    a.release();
    b.release();
    pool.snapshot();
    const admin = await open({ min: 1, max: 1 });
    await admin.query('high', { text: 'SELECT pg_terminate_backend(pid, 10000) FROM unnest($1::int[]) AS pid', values: [pids] });
    let broken = 0;
    await until('both terminated connections to be dropped', () => (broken += pool.snapshot().counters.brokenConnections) >= 2);
    const answers = await Promise.all([1, 2, 3, 4].map(() => pool.query('normal', { text: 'SELECT pg_backend_pid() AS pid' })));
    for (const answer of answers) expect(pids).not.toContain(answer.rows[0].pid);
  });

  it('checks a connection that sat idle before handing it out, and replaces it if the check fails', async () => {
    // healthCheckIdleMs 0: every idle connection is checked before use.
    const pool = await open({ min: 1, max: 1, healthCheckIdleMs: 0 });
    const pid = (await pool.query('normal', { text: 'SELECT pg_backend_pid() AS pid' })).rows[0].pid;
    const admin = await open({ min: 1, max: 1 });
    await admin.query('high', { text: 'SELECT pg_terminate_backend($1::int, 10000)', values: [pid] });
    // Whether the check or the closed socket finds it first, the caller gets a live connection.
    const after = await pool.query('normal', { text: 'SELECT pg_backend_pid() AS pid' });
    expect(after.rows[0].pid).not.toBe(pid);
  });

  it('retires connections past their lifetime and closes surplus idle ones, keeping min', async () => {
    const pool = await open({ min: 1, max: 3, maxLifetimeMs: 1_500, idleTimeoutMs: 300 });
    const first = (await pool.query('normal', { text: 'SELECT pg_backend_pid() AS pid' })).rows[0].pid;
    await Promise.all([1, 2, 3].map(() => pool.query('normal', { text: 'SELECT pg_sleep(0.2)' })));
    await until('surplus idle connections to close', () => pool.snapshot().connections.total === 1);
    await until(
      'the first connection to be retired',
      async () => (await pool.query('normal', { text: 'SELECT pg_backend_pid() AS pid' })).rows[0].pid !== first,
    );
    await until('min to be kept', () => pool.snapshot().connections.total >= 1);
  });

  it('rejects waiters and new callers once closed', async () => {
    const pool = await open({ min: 1, max: 1 });
    const held = await pool.acquire('normal');
    const waiting = pool.acquire('normal');
    const closing = pool.close();
    expect(await rejection(waiting)).toMatchObject({ code: 'pool-closed' });
    held.release();
    await closing;
    expect(await rejection(pool.query('high', { text: 'SELECT 1' }))).toMatchObject({ code: 'pool-closed' });
  });
});
