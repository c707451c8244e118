import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PoolManager } from '../../../main/pool/pool-manager.ts';
import type { PoolManagerOptions } from '../../../main/pool/pool-options.ts';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';

/** Settles every promise and says what each gave: its rows or its error's SQLSTATE/code. */
async function outcomes(promises: Promise<{ rows: unknown[] }>[]): Promise<({ rows: unknown[] } | { error: string })[]> {
  const settled = await Promise.allSettled(promises);
  return settled.map((s) =>
    s.status === 'fulfilled' ? { rows: s.value.rows } : { error: String((s.reason as { code?: string }).code ?? s.reason) },
  );
}

/**
 * Runs each statement once, errors ignored: the pool pipelines only statements it has timed as short
 * (pipeline-eligibility.ts), and a statement runs alone until then.
 */
async function timeOnce(pool: PoolManager, ...statements: { name: string; text: string; values?: unknown[] }[]): Promise<void> {
  for (const statement of statements) await pool.query('normal', statement).catch(() => undefined);
}

describe.each(TEST_SERVERS)('PoolManager pipelining on %s', (server) => {
  let db: TestDatabase;
  const pools: PoolManager[] = [];
  // Statements under a minute count as short here, whatever this machine's load does to their times: these tests are
  // about what pipelining does once a statement is pipelined (the last but one is about which are).
  const open = async (options: Omit<PoolManagerOptions, 'connection'>): Promise<PoolManager> => {
    const pool = await PoolManager.open({ connection: { connectionString: db.url }, pipelineShortMs: 60_000, ...options });
    pools.push(pool);
    return pool;
  };

  beforeAll(async () => {
    db = await createTestDatabase(server);
    const setup = await open({ min: 1, max: 1 });
    await setup.query('normal', { text: 'CREATE TABLE t (id int PRIMARY KEY)' });
  });
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.close()));
    await db?.drop();
  });

  it('sends queries of one tick on one connection together, and a failing one between good ones fails alone', async () => {
    const pool = await open({ min: 1, max: 1, pipelineDepth: 16 });
    // Each timed once first; and parsed once: a query does not join behind another's unanswered Parse of the same statement (next test).
    await timeOnce(
      pool,
      { name: 'pl_good', text: 'SELECT $1::int AS n', values: [0] },
      { name: 'pl_missing', text: 'SELECT * FROM no_such_table WHERE $1::int = 1', values: [1] },
      { name: 'pl_zero', text: 'SELECT 1 / $1::int AS n', values: [1] },
    );
    pool.snapshot(); // counters start now
    const results = await outcomes([
      pool.query('normal', { name: 'pl_good', text: 'SELECT $1::int AS n', values: [1] }),
      pool.query('normal', { name: 'pl_missing', text: 'SELECT * FROM no_such_table WHERE $1::int = 1', values: [1] }),
      pool.query('normal', { name: 'pl_good', text: 'SELECT $1::int AS n', values: [2] }),
      pool.query('normal', { name: 'pl_zero', text: 'SELECT 1 / $1::int AS n', values: [0] }),
      pool.query('normal', { name: 'pl_good', text: 'SELECT $1::int AS n', values: [3] }),
    ]);
    expect(results).toEqual([{ rows: [{ n: 1 }] }, { error: '42P01' }, { rows: [{ n: 2 }] }, { error: '22012' }, { rows: [{ n: 3 }] }]);
    // One acquisition for the five: they shared the connection (one at a time would have taken it five times).
    expect(pool.snapshot().counters.acquires.normal).toBe(1);
    // The connection is usable afterwards, in and out of pipelining.
    expect((await pool.query('normal', { text: 'SELECT 4 AS n' })).rows).toEqual([{ n: 4 }]);
  });

  it('a statement whose Parse fails gets its own error, and so does the same statement sent right behind it', async () => {
    const pool = await open({ min: 1, max: 1 });
    const missing = { name: 'pl_missing_twice', text: 'SELECT * FROM not_yet_there WHERE $1::int = 1', values: [1] };
    await timeOnce(pool, missing);
    // Without waiting for the first Parse, the second would be sent as Bind only and fail with 26000
    // (prepared statement does not exist) instead of the table's own error.
    expect(await outcomes([pool.query('normal', missing), pool.query('normal', missing)])).toEqual([
      { error: '42P01' },
      { error: '42P01' },
    ]);
  });

  it('a value pg cannot encode fails only its own call; the same statement around it on the shared connection still runs', async () => {
    const pool = await open({ min: 1, max: 1 });
    const echo = { name: 'pl_echo', text: 'SELECT $1::text AS v' };
    await timeOnce(pool, { ...echo, values: ['timed'] }); // timed, and prepared on the pool's one connection
    const throwing = {
      toPostgres: () => {
        throw new Error('no text for this value');
      },
    };
    pool.snapshot();
    const settled = await Promise.allSettled([
      pool.query('normal', { ...echo, values: ['a'] }),
      pool.query('normal', { ...echo, values: [throwing] }),
      pool.query('normal', { ...echo, values: ['c'] }),
      pool.query('normal', { ...echo, values: [{ big: 10n }] }),
      pool.query('normal', { ...echo, values: ['e'] }),
    ]);
    // Without the pool encoding them first, pg sent Close for pl_echo in place of each bad Bind: the queries behind
    // failed with 26000 (prepared statement "pl_echo" does not exist), and the bad ones with pg's bare message.
    const seen = settled.map((s) => (s.status === 'fulfilled' ? s.value.rows[0] : String(s.reason)));
    expect(seen).toEqual([
      { v: 'a' },
      expect.stringMatching(/pl_echo.*no text for this value/),
      { v: 'c' },
      expect.stringMatching(/pl_echo.*BigInt/),
      { v: 'e' },
    ]);
    expect(settled[1]).toMatchObject({ reason: { code: 'invalid-parameter' } });
    // The connection stays in the pool and runs the statement again, alone and pipelined.
    expect((await pool.query('normal', { ...echo, values: ['f'] })).rows).toEqual([{ v: 'f' }]);
    const again = await Promise.all(['g', 'h'].map((v) => pool.query('normal', { ...echo, values: [v] })));
    expect(again.map(({ rows }) => rows[0])).toEqual([{ v: 'g' }, { v: 'h' }]);
    const { counters } = pool.snapshot();
    expect(counters.acquires.normal).toBe(3);
    expect(counters.brokenConnections).toBe(0);
  });

  it("the server's statement timeout cancels only the statement that ran too long", async () => {
    const pool = await open({ min: 1, max: 1, sessionSettings: { statementTimeoutMs: 300 } });
    // Both timed as short first: pl_slow is slow only with the value it gets below.
    await timeOnce(
      pool,
      { name: 'pl_quick', text: 'SELECT $1::int AS n', values: [0] },
      { name: 'pl_slow', text: 'SELECT pg_sleep($1::float8) IS NULL AS slept', values: [0] },
    );
    pool.snapshot();
    const results = await outcomes([
      pool.query('normal', { name: 'pl_quick', text: 'SELECT $1::int AS n', values: [1] }),
      pool.query('normal', { name: 'pl_slow', text: 'SELECT pg_sleep($1::float8) IS NULL AS slept', values: [5] }),
      pool.query('normal', { name: 'pl_quick', text: 'SELECT $1::int AS n', values: [2] }),
    ]);
    expect(results).toEqual([{ rows: [{ n: 1 }] }, { error: '57014' }, { rows: [{ n: 2 }] }]);
    expect(pool.snapshot().counters.acquires.normal).toBe(1);
  });

  it("a caller's timeout takes a connection of its own, so its cancel never hits pipelined queries", async () => {
    const pool = await open({ min: 2, max: 2, cores: 1 });
    const nap = { name: 'pl_nap', text: 'SELECT pg_sleep($2::float8) IS NULL AS slept, $1::int AS n' };
    await timeOnce(pool, { ...nap, values: [-1, 0] }); // timed as short, and parsed on the connection the three then share
    const sleepers = Array.from({ length: 3 }, (_, i) => pool.query('normal', { ...nap, values: [i, 0.2] }));
    const timed = pool.query('normal', { name: 'pl_long', text: 'SELECT pg_sleep($1::float8)', values: [5] }, { timeoutMs: 100 });
    const results = await outcomes([...sleepers, timed]);
    expect(results.slice(0, 3)).toEqual([0, 1, 2].map((n) => ({ rows: [{ slept: false, n }] })));
    expect(results[3]).toEqual({ error: 'cancelled' });
  });

  it('never sends pipelined queries on a checked-out connection, nor into its transaction', async () => {
    const pool = await open({ min: 2, max: 2, cores: 1 });
    const held = await pool.acquire('normal');
    try {
      await timeOnce(pool, {
        name: 'pl_count',
        text: 'SELECT count(*)::int AS n, pg_backend_pid() AS pid FROM t WHERE $1::int = 1',
        values: [1],
      });
      await held.query({ text: 'BEGIN' });
      await held.query({ name: 'pl_insert', text: 'INSERT INTO t VALUES ($1)', values: [1] });
      const counts = await Promise.all(
        Array.from({ length: 4 }, () =>
          pool.query('normal', {
            name: 'pl_count',
            text: 'SELECT count(*)::int AS n, pg_backend_pid() AS pid FROM t WHERE $1::int = 1',
            values: [1],
          }),
        ),
      );
      // Outside the open transaction (its row is not visible) and on the other connection.
      for (const { rows } of counts) expect(rows[0]).toMatchObject({ n: 0 });
      expect(counts.every(({ rows }) => rows[0].pid !== held.pid)).toBe(true);
    } finally {
      await held.query({ text: 'ROLLBACK' });
      held.release();
    }
  });

  it('runs a statement alone until it is timed, and a slow statement on a connection of its own, so nobody waits behind it', async () => {
    // Short: under 200 ms. pg_sleep(0.3) cannot take less; a one-row SELECT takes far less, even on a loaded machine.
    const pool = await open({ min: 2, max: 2, cores: 1, pipelineShortMs: 200 });
    const quick = { name: 'pl_fast', text: 'SELECT $1::int AS n' };
    const sleepy = { name: 'pl_sleepy', text: 'SELECT pg_sleep($1::float8) IS NULL AS slept' };
    pool.snapshot();
    // Never timed: one connection each, as without pipelining.
    await Promise.all([1, 2].map((n) => pool.query('normal', { ...quick, values: [n] })));
    expect(pool.snapshot().counters.acquires.normal).toBe(2);
    await timeOnce(pool, { ...sleepy, values: [0.3] });
    // The slow statement runs alone; the quick ones, timed now, share the other connection and are all answered
    // while it still sleeps (behind it on its connection, they would have waited for it).
    let sleepyDone = false;
    pool.snapshot();
    const slept = pool.query('normal', { ...sleepy, values: [2] }).then(() => (sleepyDone = true));
    await Promise.all([1, 2, 3, 4].map((n) => pool.query('normal', { ...quick, values: [n] })));
    expect(sleepyDone).toBe(false);
    await slept;
    expect(pool.snapshot().counters.acquires.normal).toBe(2);
  });

  it('a shared connection stuck on a lock wait takes no more queries: they go to another connection', async () => {
    // Short: under 5 ms; stuck: no result for 100 ms (stalledAfterMs).
    const pool = await open({ min: 3, max: 3, cores: 1, pipelineShortMs: 5 });
    const locking = { name: 'pl_lock_row', text: 'SELECT id FROM t WHERE id = $1 FOR UPDATE' };
    const quick = { name: 'pl_quick_too', text: 'SELECT $1::int AS n' };
    await pool.query('normal', { text: 'INSERT INTO t VALUES (42) ON CONFLICT DO NOTHING' });
    // Timed until each is short: on a loaded machine one execution may take longer than 5 ms.
    for (let i = 0; i < 16; i += 1) await timeOnce(pool, { ...locking, values: [42] }, { ...quick, values: [0] });
    const held = await pool.acquire('normal');
    await held.query({ text: 'BEGIN' });
    await held.query({ text: 'SELECT id FROM t WHERE id = 42 FOR UPDATE' });
    let waiterDone = false;
    const waiter = pool.query('normal', { ...locking, values: [42] }).then(() => (waiterDone = true));
    await new Promise((resolve) => setTimeout(resolve, 300)); // past stalledAfterMs with no result back
    const answers = await Promise.all([1, 2, 3].map((n) => pool.query('normal', { ...quick, values: [n] })));
    expect(answers.map(({ rows }) => rows[0])).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(waiterDone).toBe(false); // they did not queue behind the lock wait
    await held.query({ text: 'ROLLBACK' });
    held.release();
    await waiter;
  });

  it('joins a shared connection rather than spread to an idle one that take() would health-check first', async () => {
    // Two cores: a lane spreads over two connections while a ready idle one is to be had. Idle 50 ms: checked before
    // use; housekeeping every 50 ms (a quarter of the leak threshold), and a check vouches for a connection until then.
    const pool = await open({ min: 2, max: 2, cores: 2, healthCheckIdleMs: 50, leakThresholdMs: 200 });
    const nap = { name: 'pl_nap_check', text: 'SELECT pg_sleep($2::float8) IS NULL AS slept, $1::int AS n' };
    // Timed, and prepared on both connections: a query only joins one whose Parse of its statement was answered.
    const both = [await pool.acquire('normal'), await pool.acquire('normal')];
    await Promise.all(both.map((connection, n) => connection.query({ ...nap, values: [n, 0] })));
    for (const connection of both) connection.release();
    await new Promise((resolve) => setTimeout(resolve, 150)); // both idle connections now need a check
    pool.snapshot();
    const first = pool.query('normal', { ...nap, values: [1, 2] }); // checked, then shared; in flight for 2 s
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The other idle connection (checked with the first, then idle again) would need a check: take() would not hand it out at once, so this one joins.
    const second = pool.query('normal', { ...nap, values: [2, 0] });
    expect((await Promise.all([first, second])).map(({ rows }) => rows[0])).toEqual([
      { slept: false, n: 1 },
      { slept: false, n: 2 },
    ]);
    expect(pool.snapshot().counters.acquires.normal).toBe(1);
  });

  it('callers waiting in a lower lane that its cap holds back do not stop a lane from joining its shared connection', async () => {
    // max 4: low may hold 2. Two held, a third low caller waits for its lane's cap, not for these connections.
    const pool = await open({ min: 4, max: 4, cores: 1 });
    const nap = { name: 'pl_nap_lanes', text: 'SELECT pg_sleep($2::float8) IS NULL AS slept, $1::int AS n' };
    const held = [await pool.acquire('low'), await pool.acquire('low')];
    // Timed, and prepared on the connection the next normal caller gets (the most recently used).
    await timeOnce(pool, { ...nap, values: [0, 0] });
    const waitingLow = pool.query('low', { text: 'SELECT 1 AS one' });
    try {
      expect(pool.snapshot().waiting.low).toBe(1);
      const first = pool.query('normal', { ...nap, values: [1, 1] }); // takes a connection and shares it
      await new Promise((resolve) => setTimeout(resolve, 200));
      const rest = [2, 3, 4, 5].map((n) => pool.query('normal', { ...nap, values: [n, 0] }));
      const answers = await Promise.all([first, ...rest]);
      expect(answers.map(({ rows }) => rows[0].n)).toEqual([1, 2, 3, 4, 5]);
      // All five on the one shared connection; with joining off while anyone waited, each would have queued for its own.
      expect(pool.snapshot().counters.acquires.normal).toBe(1);
    } finally {
      for (const connection of held) connection.release();
    }
    expect((await waitingLow).rows).toEqual([{ one: 1 }]);
  });

  it('pipelineDepth 1 takes a connection per query; a read-only pool pipelines too', async () => {
    for (const [options, acquires] of [
      [{ pipelineDepth: 1 }, 3],
      [{ readOnly: true }, 1],
    ] as const) {
      const pool = await open({ min: 1, max: 1, ...options });
      await timeOnce(pool, { name: 'pl_one', text: 'SELECT $1::int AS n', values: [0] });
      pool.snapshot();
      const answers = await Promise.all(
        [1, 2, 3].map((n) => pool.query('normal', { name: 'pl_one', text: 'SELECT $1::int AS n', values: [n] })),
      );
      expect(answers.map(({ rows }) => rows[0].n)).toEqual([1, 2, 3]);
      expect(pool.snapshot().counters.acquires.normal, JSON.stringify(options)).toBe(acquires);
    }
  });

  it('a read-only pool joins a busy connection only when no idle one is to be had', async () => {
    // More connections than this machine's cores, which a pool that is not read-only would share before it spreads further.
    const pool = await open({ min: 3, max: 3, readOnly: true, cores: 2 });
    const one = { name: 'pl_ro_one', text: 'SELECT $1::int AS n' };
    await timeOnce(pool, { ...one, values: [0] });
    const burst = async (callers: number): Promise<number> => {
      pool.snapshot();
      await Promise.all(Array.from({ length: callers }, (_, n) => pool.query('normal', { ...one, values: [n] })));
      return pool.snapshot().counters.acquires.normal;
    };
    // Three callers, three connections: each its own (a joined query would pay for a BEGIN and a COMMIT).
    expect(await burst(3)).toBe(3);
    // Eight callers: the three connections are taken, and the other five join them rather than wait.
    expect(await burst(8)).toBe(3);
  });

  it('close() ends a connection whose pipelined query hangs, and fails the queries on it', async () => {
    const pool = await open({ min: 1, max: 1, pipelineDepth: 4, sessionSettings: { statementTimeoutMs: 0 } });
    await timeOnce(
      pool,
      { name: 'pl_hang', text: 'SELECT pg_sleep($1::float8)', values: [0] },
      { name: 'pl_after', text: 'SELECT $1::int AS n', values: [0] },
    );
    const hung = outcomes([
      pool.query('normal', { name: 'pl_hang', text: 'SELECT pg_sleep($1::float8)', values: [600] }),
      pool.query('normal', { name: 'pl_after', text: 'SELECT $1::int AS n', values: [1] }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await pool.close();
    const results = await hung;
    expect(results.every((r) => 'error' in r)).toBe(true);
  }, 30_000);
});
