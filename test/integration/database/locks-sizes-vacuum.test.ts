import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { readLockTree } from '../../../main/database/locks.ts';
import { readDatabaseSizes } from '../../../main/database/table-sizes.ts';
import { readVacuumHealth } from '../../../main/database/vacuum-health.ts';
import { DatabaseRatesSampler } from '../../../main/database/database-rates.ts';
import { terminateBackend } from '../../../main/database/terminate-backend.ts';
import { TEST_SERVERS, createTestDatabase, serverUrl, type TestDatabase } from '../../support/databases.ts';
import { waitFor } from '../../support/wait-for.ts';
import { errorOf } from '../../support/error-of.ts';

const PASSWORD = 'hotpath-dbview-pw';

function urlAs(url: string, role: string): string {
  const parsed = new URL(url);
  parsed.username = role;
  parsed.password = PASSWORD;
  return parsed.toString();
}

describe.each(TEST_SERVERS)('database page reads: locks, sizes, vacuum, rates, terminate (%s)', (server) => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let admin: pg.Client;
  const role = `hotpath_dbview_${randomBytes(4).toString('hex')}`;
  const monitor = `hotpath_dbmon_${randomBytes(4).toString('hex')}`;
  const clients: pg.Client[] = [];
  const open = async (name: string, url = db.url) => {
    const c = new pg.Client({ connectionString: url, application_name: name });
    c.on('error', () => undefined); // a terminated client reports its end here
    await c.connect();
    clients.push(c);
    const { rows } = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return { client: c, pid: rows[0]!.pid };
  };

  beforeAll(async () => {
    db = await createTestDatabase(server);
    pool = new pg.Pool({ connectionString: db.url, max: 3, application_name: 'hotpath' });
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    for (const sql of [
      'CREATE TABLE items (id int PRIMARY KEY, note text NOT NULL, amount int)',
      "INSERT INTO items SELECT g, repeat('x', 40), g FROM generate_series(1, 20000) g",
      'CREATE TABLE churn (id int PRIMARY KEY, note text NOT NULL)',
      "INSERT INTO churn SELECT g, repeat('y', 60) FROM generate_series(1, 20000) g",
      'ANALYZE items',
      'ANALYZE churn',
      // Bloat: every row of churn updated twice, with autovacuum off for it so nothing reclaims the space.
      'ALTER TABLE churn SET (autovacuum_enabled = off)',
      "UPDATE churn SET note = repeat('z', 60)",
      "UPDATE churn SET note = repeat('w', 60)",
      // The estimate reads relpages and reltuples, which ANALYZE (or autovacuum's) keeps current.
      'ANALYZE churn',
      // Index bloat: an indexed column updated twice, so every update adds entries to both indexes.
      'CREATE TABLE moved (id int PRIMARY KEY, v int NOT NULL) WITH (autovacuum_enabled = off)',
      'INSERT INTO moved SELECT g, g FROM generate_series(1, 20000) g',
      'CREATE INDEX moved_v ON moved (v)',
      'UPDATE moved SET v = v + 1',
      'UPDATE moved SET v = v + 1',
      'ANALYZE moved',
      `CREATE ROLE ${pg.escapeIdentifier(role)} LOGIN PASSWORD '${PASSWORD}'`,
      `CREATE ROLE ${pg.escapeIdentifier(monitor)} LOGIN PASSWORD '${PASSWORD}' IN ROLE pg_read_all_stats`,
      // An idle backend flushes its statistics only every 10 s: now, so that the dead tuples show at once.
      'SELECT pg_stat_force_next_flush()',
    ])
      await admin.query(sql);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await pool?.end();
    await admin?.end();
    await db?.drop();
    const server0 = new pg.Client({ connectionString: serverUrl(server) });
    await server0.connect();
    await server0.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(role)}, ${pg.escapeIdentifier(monitor)}`);
    await server0.end();
  });

  it('shows a real lock wait as a tree: the blocker at the root, the waiter under it with the lock and the query', async () => {
    const holder = await open('holder-app');
    const waiter = await open('waiter-app');
    await holder.client.query('BEGIN');
    await holder.client.query('UPDATE items SET amount = amount + 1 WHERE id = 1');
    const waiting = waiter.client.query('UPDATE items SET amount = amount + 2 WHERE id = 1');

    const tree = await waitFor('the waiter in the lock tree', async () => {
      const t = await readLockTree(pool);
      return t.sessions.some((s) => s.pid === waiter.pid) ? t : undefined;
    });
    expect(tree.notice).toBeNull();
    expect(tree.sessions.map((s) => [s.pid, s.depth])).toEqual([
      [holder.pid, 0],
      [waiter.pid, 1],
    ]);
    const [root, child] = tree.sessions;
    expect(root).toMatchObject({
      application: 'holder-app',
      blockedBy: [],
      blocking: 1,
      state: 'idle in transaction',
      waitingFor: null,
      query: 'UPDATE items SET amount = amount + 1 WHERE id = 1',
      queryVisible: true,
      ours: false,
    });
    expect(root!.transactionAgeMs).toBeGreaterThanOrEqual(0);
    expect(child).toMatchObject({
      application: 'waiter-app',
      blockedBy: [holder.pid],
      blocking: 0,
      waitEvent: 'Lock:transactionid',
      waitingFor: 'transactionid ShareLock',
      query: 'UPDATE items SET amount = amount + 2 WHERE id = 1',
    });
    expect(child!.waitingMs).toBeGreaterThanOrEqual(0);

    await holder.client.query('COMMIT');
    await waiting;
    expect((await readLockTree(pool)).sessions).toEqual([]);
  });

  it('terminates a real backend holding a lock, and the waiter goes on', async () => {
    const holder = await open('stuck-app');
    const waiter = await open('waiter-app-2');
    await holder.client.query('BEGIN');
    await holder.client.query('LOCK TABLE churn IN ACCESS EXCLUSIVE MODE');
    const waiting = waiter.client.query('SELECT count(*)::int AS n FROM churn');
    const tree = await waitFor('the waiter in the lock tree', async () => {
      const t = await readLockTree(pool);
      return t.sessions.some((s) => s.pid === waiter.pid) ? t : undefined;
    });
    expect(tree.sessions.find((s) => s.pid === waiter.pid)?.waitingFor).toBe('relation churn AccessShareLock');

    expect(await terminateBackend(pool, holder.pid)).toEqual({ terminated: true });
    expect((await waiting).rows).toEqual([{ n: 20000 }]);
    const { rows } = await pool.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [holder.pid]);
    expect(rows).toEqual([]);
    expect(await errorOf(holder.client.query('SELECT 1'))).toBeInstanceOf(Error);
  });

  it("refuses to terminate Hotpath's own connections and connections to other databases", async () => {
    const ours = await open('hotpath-workload');
    expect(await errorOf(terminateBackend(pool, ours.pid))).toMatchObject({
      code: 'not-terminable',
      message: expect.stringContaining("Hotpath's own connections"),
    });
    const elsewhere = await open('someone-elsewhere', serverUrl(server));
    expect(await errorOf(terminateBackend(pool, elsewhere.pid))).toMatchObject({
      code: 'not-terminable',
      message: expect.stringContaining('connected to database "postgres"'),
    });
    expect(await errorOf(terminateBackend(pool, 2_000_000_000))).toMatchObject({ code: 'no-such-backend' });
    expect((await ours.client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect((await elsewhere.client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('lists the sizes of a table it was given, with a bloat estimate that sees the churned table', async () => {
    const sizes = await readDatabaseSizes(pool, 10);
    expect(sizes.databaseBytes).toBeGreaterThan(0);
    expect(sizes.notice).toBeNull();
    expect(sizes.bloatMethod).toContain('ioguix');
    const items = sizes.tables.find((t) => t.name === 'items')!;
    const churn = sizes.tables.find((t) => t.name === 'churn')!;
    expect(items).toMatchObject({ schema: 'public', rows: 20000, bloatUnknown: null });
    expect(items.totalBytes).toBe(items.tableBytes + items.indexBytes + items.toastBytes);
    expect(items.indexBytes).toBeGreaterThan(0);
    expect(churn.bloatUnknown).toBeNull();
    // Three versions of every row and no vacuum: most of the heap is dead, and the estimate says so.
    expect(churn.bloatShare!).toBeGreaterThan(0.5);
    expect(churn.bloatShare!).toBeGreaterThan(items.bloatShare!);
    expect(sizes.indexes.map((i) => i.name)).toEqual(expect.arrayContaining(['items_pkey', 'churn_pkey']));
    expect(sizes.indexes.find((i) => i.name === 'items_pkey')).toMatchObject({ table: 'items', unique: true });
  });

  it('estimates a B-tree index’s bloat: an index whose rows were updated twice against one just built', async () => {
    const { indexes } = await readDatabaseSizes(pool, 20);
    const share = (name: string) => {
      const index = indexes.find((i) => i.name === name)!;
      return index.bloatBytes! / index.bytes;
    };
    // Three entries for each live row: about two thirds of the index is dead.
    expect(share('moved_v')).toBeGreaterThan(0.5);
    expect(share('moved_pkey')).toBeGreaterThan(0.5);
    // Built on its rows once: the leaves at the default fillfactor, what is left is its inner pages.
    expect(share('items_pkey')).toBeLessThan(0.1);
  });

  it('does not queue behind a waiting ALTER TABLE: sizes then come from pg_class, and the notice says so', async () => {
    const holder = await open('holder-app-5');
    const migration = await open('migrate');
    await holder.client.query('BEGIN');
    await holder.client.query('SELECT count(*) FROM items');
    const altering = errorOf(migration.client.query('ALTER TABLE items ADD COLUMN extra int'));
    await waitFor('the ALTER TABLE waiting for its lock', async () =>
      (await readLockTree(pool)).sessions.find((s) => s.pid === migration.pid && s.waitingFor === 'relation items AccessExclusiveLock'),
    );
    const sizes = await readDatabaseSizes(pool, 10);
    expect(sizes.notice).toContain('lock was not granted');
    const items = sizes.tables.find((t) => t.name === 'items')!;
    const { rows } = await admin.query<{ pages: number }>("SELECT relpages AS pages FROM pg_class WHERE relname = 'items'");
    expect(items.tableBytes).toBe(rows[0]!.pages * 8192);
    expect(items.indexBytes).toBeGreaterThan(0);
    await holder.client.query('ROLLBACK');
    expect(await altering).toBeUndefined();
    await admin.query('ALTER TABLE items DROP COLUMN extra');
    expect((await readDatabaseSizes(pool, 10)).notice).toBeNull();
  });

  it('reports transaction-ID ages per database and per table, and dead tuples', async () => {
    const health = await readVacuumHealth(pool, 5);
    expect(health.freezeMaxAge).toBe(200_000_000);
    const mine = health.databases.find((d) => d.name === db.name)!;
    expect(mine.xidAge).toBeGreaterThan(0);
    expect(mine.shareOfFreezeMax).toBeCloseTo(mine.xidAge / 200_000_000, 12);
    expect(mine.shareOfWraparound).toBeCloseTo(mine.xidAge / 2 ** 31, 12);
    const churn = await waitFor('churn’s dead tuples in the statistics', async () =>
      (await readVacuumHealth(pool, 5)).tables.find((t) => t.name === 'churn' && t.deadTuples > 0),
    );
    expect(churn.deadTuples).toBeGreaterThan(10000);
    expect(churn.lastAnalyzeAgoMs).toBeGreaterThanOrEqual(0);
    expect(churn.lastVacuumAgoMs).toBeNull();
    expect(churn.xidAge).toBeGreaterThan(0);
    expect(health.tables.every((t) => t.schema === 'public')).toBe(true); // the catalogs count in age(datfrozenxid)

    await admin.query('ALTER TABLE items SET (autovacuum_freeze_max_age = 100000)');
    const items = (await readVacuumHealth(pool, 50)).tables.find((t) => t.name === 'items')!;
    expect(items.freezeMaxAge).toBe(100_000);
    expect(items.shareOfFreezeMax).toBeCloseTo(items.xidAge / 100_000, 12);
    // Above the server's setting a table's own is ignored by autovacuum, so the server's is the limit.
    await admin.query('ALTER TABLE churn SET (autovacuum_freeze_max_age = 1500000000)');
    expect((await readVacuumHealth(pool, 50)).tables.find((t) => t.name === 'churn')!.freezeMaxAge).toBe(200_000_000);
    // Every database ages toward wraparound, template0 (which takes no connection) too.
    expect(health.databases.map((d) => d.name)).toContain('template0');
  });

  it('turns pg_stat_database into rates between samples', async () => {
    let now = 1_000_000;
    const sampler = new DatabaseRatesSampler(pool, () => now);
    expect((await sampler.sample()).points).toEqual([]);
    for (let i = 0; i < 5; i++) await admin.query('SELECT count(*) FROM items');
    await admin.query('BEGIN');
    await admin.query("INSERT INTO items VALUES (30001, 'n', 1)");
    await admin.query('ROLLBACK');
    await admin.query('SELECT pg_stat_force_next_flush()');
    // Backends flush their counters to the shared statistics about once a second: wait for them to land.
    const point = await waitFor('the counters of those statements', async () => {
      now += 2_000;
      const { points } = await sampler.sample();
      const sum = points.reduce((s, p) => ({ rollbacks: s.rollbacks + p.rollbacksPerSecond, returned: s.returned + p.returnedPerSecond }), {
        rollbacks: 0,
        returned: 0,
      });
      return sum.rollbacks > 0 && sum.returned >= (5 * 20000) / 2 ? points.at(-1) : undefined;
    });
    expect(point.windowMs).toBe(2_000);
    expect(point.blockHitRatio).not.toBeNull();
  });

  it('says which grant is missing to a role without privileges', async () => {
    const nobody = new pg.Pool({ connectionString: urlAs(db.url, role), max: 2, application_name: 'dbview-nobody' });
    try {
      const holder = await open('holder-app-3');
      const waiter = await open('waiter-app-3');
      await holder.client.query('BEGIN');
      await holder.client.query('UPDATE items SET amount = amount + 1 WHERE id = 2');
      const waiting = errorOf(waiter.client.query('UPDATE items SET amount = amount + 2 WHERE id = 2'));
      const tree = await waitFor('the waiter in the lock tree, seen by the unprivileged role', async () => {
        const t = await readLockTree(nobody);
        return t.sessions.some((s) => s.pid === waiter.pid) ? t : undefined;
      });
      // Who blocks whom is complete; the text of another role's query is not, and the notice says which grant fixes it.
      expect(tree.sessions.map((s) => s.pid)).toEqual([holder.pid, waiter.pid]);
      expect(tree.sessions.every((s) => !s.queryVisible && s.query !== 'UPDATE items SET amount = amount + 1 WHERE id = 2')).toBe(true);
      expect(tree.notice).toContain(`GRANT pg_read_all_stats TO "${role}"`);

      const terminate = await errorOf(terminateBackend(nobody, holder.pid));
      expect(terminate).toMatchObject({ code: 'permission-denied', hint: expect.stringContaining(`GRANT pg_signal_backend TO "${role}"`) });
      await holder.client.query('COMMIT');
      expect(await waiting).toBeUndefined();

      const sizes = await readDatabaseSizes(nobody, 10);
      expect(sizes.tables.find((t) => t.name === 'items')).toMatchObject({
        bloatBytes: null,
        bloatUnknown: expect.stringContaining('No SELECT'),
      });
      expect(sizes.tables.find((t) => t.name === 'items')!.totalBytes).toBeGreaterThan(0);
      expect(sizes.notice).toContain(`GRANT pg_read_all_data TO "${role}"`);
    } finally {
      await nobody.end();
    }
  });

  it("a role that sees every session but may not signal them gets PostgreSQL's refusal and the grant that fixes it", async () => {
    const watcher = new pg.Pool({ connectionString: urlAs(db.url, monitor), max: 2, application_name: 'dbview-monitor' });
    try {
      const holder = await open('holder-app-4');
      await holder.client.query('BEGIN');
      await holder.client.query('UPDATE items SET amount = amount + 1 WHERE id = 3');
      const error = await errorOf(terminateBackend(watcher, holder.pid));
      expect(error).toMatchObject({
        code: 'permission-denied',
        message: expect.stringContaining(`PostgreSQL refused to terminate the connection of pid ${holder.pid}`),
        hint: expect.stringContaining(`GRANT pg_signal_backend TO "${monitor}"`),
      });
      // Still there: nothing was signalled.
      expect((await holder.client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      // With pg_read_all_stats the lock tree shows other roles' queries and says nothing is hidden.
      const waiter = await open('waiter-app-4');
      const waiting = errorOf(waiter.client.query('UPDATE items SET amount = amount + 2 WHERE id = 3'));
      const tree = await waitFor('the waiter in the lock tree, seen by the monitor role', async () => {
        const t = await readLockTree(watcher);
        return t.sessions.some((s) => s.pid === waiter.pid) ? t : undefined;
      });
      expect(tree.notice).toBeNull();
      expect(tree.sessions.map((s) => [s.pid, s.queryVisible, s.query])).toEqual([
        [holder.pid, true, 'SELECT 1 AS one'], // its last statement, as pg_stat_activity shows it
        [waiter.pid, true, 'UPDATE items SET amount = amount + 2 WHERE id = 3'],
      ]);
      await holder.client.query('ROLLBACK');
      expect(await waiting).toBeUndefined();
    } finally {
      await watcher.end();
    }
  });
});
