import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PoolError } from '../../../main/pool/pool-errors.ts';
import { PoolManager } from '../../../main/pool/pool-manager.ts';
import type { PoolManagerOptions } from '../../../main/pool/pool-options.ts';
import { PgWorkloadTarget } from '../../../main/workload/pg-workload-target.ts';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * A read-only pool's sessions cannot write whatever the SQL does: the reproduction (a template that
 * switches `default_transaction_read_only` off, then a template calling a writing function) and every other way
 * a statement can try to make the session writable, on real servers.
 */
async function outcome(promise: Promise<unknown>): Promise<{ ok: true } | { ok: false; error: Error & { code?: string } }> {
  try {
    await promise;
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error as Error & { code?: string } };
  }
}

const ROWS = 10;

describe.each(TEST_SERVERS)('read-only pool sessions on %s', (server) => {
  let db: TestDatabase;
  let admin: pg.Client;
  const pools: PoolManager[] = [];

  const open = async (options: Partial<PoolManagerOptions> = {}): Promise<PoolManager> => {
    // One connection, so every statement runs on the session the previous one may have changed.
    const pool = await PoolManager.open({ connection: { connectionString: db.url }, readOnly: true, min: 1, max: 1, ...options });
    pools.push(pool);
    return pool;
  };
  const rowCount = async (): Promise<number> => Number((await admin.query('SELECT count(*) AS n FROM victim')).rows[0].n);

  beforeAll(async () => {
    db = await createTestDatabase(server);
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query('CREATE TABLE victim (id int PRIMARY KEY)');
    // A writing function, as an attacker (or a careless profile) would call from a SELECT.
    await admin.query(`CREATE FUNCTION wipe() RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE n bigint; BEGIN DELETE FROM victim; GET DIAGNOSTICS n = ROW_COUNT; RETURN n; END $$`);
    // Flips the session to writable and writes in the same statement.
    await admin.query(`CREATE FUNCTION flip_and_wipe() RETURNS bigint LANGUAGE plpgsql AS $$
      BEGIN SET default_transaction_read_only = off; RETURN wipe(); END $$`);
    await admin.query(`CREATE FUNCTION flip() RETURNS text LANGUAGE plpgsql AS $$
      BEGIN SET default_transaction_read_only = off; RETURN current_setting('default_transaction_read_only'); END $$`);
  });
  beforeEach(async () => {
    await admin.query(`TRUNCATE victim; INSERT INTO victim SELECT generate_series(1, ${ROWS})`);
  });
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.close()));
    await admin?.end();
    await db?.drop();
  });

  for (const forced of [false, true]) {
    const mode = forced ? 'in explicit READ ONLY transactions (the fallback for servers that do not report the setting)' : 'by default';
    it(`a profile cannot make the session writable and then delete rows (the issue's reproduction), ${mode}`, async () => {
      const pool = await open({ readOnlyTransactions: forced });
      const target = new PgWorkloadTarget(pool, [
        { name: 'flip', sql: "SELECT set_config('default_transaction_read_only', 'off', false)" },
        { name: 'wipe', sql: 'SELECT wipe()' },
      ]);
      const flipped = await outcome(target.execute(0, []));
      const wiped = await outcome(target.execute(1, []));
      expect(await rowCount()).toBe(ROWS);
      expect(wiped.ok).toBe(false);
      if (!wiped.ok) expect(wiped.error.code).toBe('25006'); // read_only_sql_transaction
      if (!forced) {
        // The switch itself is refused: the connection is closed and the template fails, naming the setting.
        expect(flipped.ok).toBe(false);
        if (!flipped.ok) {
          expect(flipped.error).toBeInstanceOf(PoolError);
          expect(flipped.error.code).toBe('session-changed');
          expect(flipped.error.message).toMatch(/default_transaction_read_only from "on" to "off"/);
        }
      }
      // The pool carries on with a fresh read-only session.
      const { rows } = await pool.query('normal', { text: "SELECT current_setting('default_transaction_read_only') AS ro" });
      expect(rows[0].ro).toBe('on');
    });
  }

  for (const forced of [false, true]) {
    const mode = forced ? ', with the fallback' : '';
    it(`a write pipelined right behind the switch (sent before the switch's answer is back) still cannot write${mode}`, async () => {
      // Statements this short count as short whatever the machine's load: both are pipelined once timed.
      const pool = await open({ readOnlyTransactions: forced, pipelineShortMs: 60_000 });
      const flip = { name: 'pl_flip', text: "SELECT set_config('default_transaction_read_only', 'off', false)" };
      const wipe = { name: 'pl_wipe', text: 'SELECT wipe()' };
      // Each runs once alone first (pipeline-eligibility.ts times a statement before it pipelines it).
      await outcome(pool.query('normal', flip));
      await outcome(pool.query('normal', wipe));
      expect(await rowCount()).toBe(ROWS);
      // The failed wipe's ROLLBACK (with the fallback) may still be settling: this waits for the connection to be idle.
      await pool.query('normal', { text: 'SELECT 1' });
      pool.snapshot(); // counters start now
      // Same tick, one connection: the wipe leaves in the flip's write, before the server has answered the flip.
      const [flipped, ...behind] = await Promise.all([flip, wipe, wipe].map((statement) => outcome(pool.query('normal', statement))));
      expect(pool.snapshot().counters.acquires.normal).toBe(1);
      expect(await rowCount()).toBe(ROWS);
      expect(behind.map((result) => result.ok)).toEqual([false, false]);
      if (!forced) {
        expect(flipped).toMatchObject({ ok: false, error: { code: 'session-changed' } });
      }
      const { rows } = await pool.query('normal', { text: "SELECT current_setting('default_transaction_read_only') AS ro" });
      expect(rows[0].ro).toBe('on');
    });
  }

  it('a failing query pipelined behind others fails alone, and leaves no transaction open', async () => {
    const pool = await open({ pipelineShortMs: 60_000 });
    const good = { name: 'pl_good', text: 'SELECT $1::int AS n' };
    const zero = { name: 'pl_zero', text: 'SELECT 1 / $1::int AS n' };
    await pool.query('normal', { ...good, values: [0] });
    await pool.query('normal', { ...zero, values: [1] });
    pool.snapshot();
    const results = await Promise.all(
      [
        { ...good, values: [1] },
        { ...zero, values: [0] },
        { ...good, values: [2] },
      ].map((statement) => outcome(pool.query('normal', statement))),
    );
    expect(pool.snapshot().counters.acquires.normal).toBe(1);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    if (!results[1]!.ok) expect(results[1]!.error.code).toBe('22012');
    // A transaction left open would make this report 'T' (in a block) and the read below run in it.
    const { rows } = await pool.query('normal', { text: 'SELECT now() = statement_timestamp() AS alone' });
    expect(rows[0].alone).toBe(true);
  });

  it('a connection taken with acquire() runs each query in its own READ ONLY transaction when the fallback is on, as query() does', async () => {
    const pool = await open({ readOnlyTransactions: true });
    const connection = await pool.acquire('normal');
    try {
      // SAVEPOINT is refused outside a transaction block (25P01): it succeeds only inside the guard's BEGIN READ ONLY.
      const savepoint = await outcome(connection.query({ text: 'SAVEPOINT inside_guard' }));
      expect(savepoint).toEqual({ ok: true });
      const { rows } = await connection.query({ text: "SELECT current_setting('transaction_read_only') AS ro" });
      expect(rows[0].ro).toBe('on');
      const wiped = await outcome(connection.query({ text: 'SELECT wipe()' }));
      expect(wiped.ok).toBe(false);
      if (!wiped.ok) expect(wiped.error.code).toBe('25006');
    } finally {
      connection.release();
    }
    expect(await rowCount()).toBe(ROWS);
  });

  it('a function that switches the session off and writes in the same statement still runs read-only', async () => {
    const pool = await open();
    const result = await outcome(pool.query('normal', { name: 'flip_and_wipe', text: 'SELECT flip_and_wipe()' }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('25006');
    expect(await rowCount()).toBe(ROWS);
    // Its SET was rolled back with the failed statement: the session is as it was.
    expect((await pool.query('normal', { text: 'SHOW default_transaction_read_only' })).rows[0].default_transaction_read_only).toBe('on');
  });

  // Every way a single statement can try to turn the session writable; after each, a write fails.
  const attempts: [string, string, 'refused' | 'server-error' | 'no-change'][] = [
    ['SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE', 'SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE', 'refused'],
    ['SET default_transaction_read_only = off', 'SET default_transaction_read_only = off', 'refused'],
    ['a function that SETs default_transaction_read_only', 'SELECT flip()', 'refused'],
    ["set_config('transaction_read_only', 'off', false)", "SELECT set_config('transaction_read_only', 'off', false)", 'server-error'],
    ['SET transaction_read_only = off', 'SET transaction_read_only = off', 'no-change'],
    ['RESET ALL', 'RESET ALL', 'no-change'],
    ['DISCARD ALL', 'DISCARD ALL', 'no-change'],
    ['RESET default_transaction_read_only', 'RESET default_transaction_read_only', 'no-change'],
  ];
  for (const [label, sql, expected] of attempts) {
    it(`${label}: the session stays read-only`, async () => {
      const pool = await open();
      const attempt = await outcome(pool.query('normal', { text: sql }));
      if (expected === 'refused') {
        expect(attempt.ok).toBe(false);
        if (!attempt.ok) expect(attempt.error.code).toBe('session-changed');
      } else if (expected === 'server-error') {
        expect(attempt.ok).toBe(false);
        if (!attempt.ok) expect(attempt.error.code).toMatch(/^25/); // invalid transaction state
      } else {
        expect(attempt).toEqual({ ok: true });
      }
      const write = await outcome(pool.query('normal', { text: 'SELECT wipe()' }));
      expect(write.ok).toBe(false);
      if (!write.ok) expect(write.error.code).toBe('25006');
      expect(await rowCount()).toBe(ROWS);
    });
  }

  it('a reported setting other than read-only (the session user, via set_config) also closes the connection', async () => {
    const role = `hotpath_guard_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    try {
      const pool = await open();
      const attempt = await outcome(
        pool.query('normal', { text: 'SELECT set_config($1, $2, false)', values: ['session_authorization', role] }),
      );
      expect(attempt.ok).toBe(false);
      if (!attempt.ok) {
        expect(attempt.error.code).toBe('session-changed');
        expect(attempt.error.message).toMatch(/session_authorization|is_superuser/);
      }
      const { rows } = await pool.query('normal', { text: 'SELECT session_user AS who' });
      expect(rows[0].who).not.toBe(role);
      await pool.close();
    } finally {
      await admin.query(`DROP ROLE ${role}`);
    }
  });

  it('SET ROLE via set_config to a role that is not superuser: refused (the server reports is_superuser)', async () => {
    const role = `hotpath_guard_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE ROLE ${role}`);
    try {
      const pool = await open();
      const attempt = await outcome(pool.query('normal', { text: 'SELECT set_config($1, $2, false)', values: ['role', role] }));
      expect(attempt.ok).toBe(false);
      if (!attempt.ok) expect(attempt.error.message).toMatch(/is_superuser from "on" to "off"/);
      expect((await pool.query('normal', { text: 'SELECT current_user AS who' })).rows[0].who).not.toBe(role);
      await pool.close();
    } finally {
      await admin.query(`DROP ROLE ${role}`);
    }
  });

  it('search_path: refused where the server reports it (PostgreSQL 18), not seen where it does not (15)', async () => {
    const pool = await open();
    const attempt = await outcome(pool.query('normal', { text: "SELECT set_config('search_path', 'pg_temp', false)" }));
    if (server === 'pg18') {
      expect(attempt.ok).toBe(false);
      if (!attempt.ok) expect(attempt.error.message).toMatch(/search_path from .* to "pg_temp"/);
    } else {
      // Not reported before 18: the change stays for that connection's life; the session is still read-only.
      expect(attempt).toEqual({ ok: true });
      const write = await outcome(pool.query('normal', { text: 'SELECT public.wipe()' }));
      expect(write.ok).toBe(false);
      expect(await rowCount()).toBe(ROWS);
    }
  });

  it('a pool that is not read-only lets its sessions change (nothing is watched there)', async () => {
    const pool = await open({ readOnly: false });
    await pool.query('normal', { text: "SELECT set_config('TimeZone', 'UTC', false)" });
    expect((await pool.query('normal', { text: 'SHOW TimeZone' })).rows[0].TimeZone).toBe('UTC');
  });
});
