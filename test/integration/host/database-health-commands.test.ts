import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { WsEngineClient } from '../../../renderer/transport/ws-engine-client.ts';
import { startTestHost, type TestHost } from '../../support/test-host.ts';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { waitFor } from '../../support/wait-for.ts';
import { errorOf } from '../../support/error-of.ts';

/** The Database page's locks, sizes, vacuum, rates and terminate commands, end to end over the contract WebSocket. */
describe.each(TEST_SERVERS)('database health commands over the contract WebSocket (%s)', (server) => {
  let db: TestDatabase;
  let client: WsEngineClient;
  let testHost: TestHost;
  const others: pg.Client[] = [];
  const open = async (name: string) => {
    const c = new pg.Client({ connectionString: db.url, application_name: name });
    c.on('error', () => undefined);
    await c.connect();
    others.push(c);
    return { client: c, pid: (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid };
  };

  beforeAll(async () => {
    db = await createTestDatabase(server);
    const setup = new pg.Client({ connectionString: db.url });
    await setup.connect();
    await setup.query('CREATE TABLE ledger (id int PRIMARY KEY, amount int NOT NULL)');
    await setup.query('INSERT INTO ledger SELECT g, g FROM generate_series(1, 5000) g');
    await setup.query('ANALYZE ledger');
    await setup.end();
    testHost = await startTestHost();
    client = testHost.client;
    await client.call('stack.connect', { pgUrl: db.url });
  });
  afterAll(async () => {
    await Promise.all(others.map((c) => c.end().catch(() => undefined)));
    await testHost?.close();
    await db?.drop();
  });

  it('shows the lock tree, and terminates the blocker only with confirm: true', async () => {
    const holder = await open('ws-holder');
    const waiter = await open('ws-waiter');
    await holder.client.query('BEGIN');
    await holder.client.query('UPDATE ledger SET amount = 0 WHERE id = 7');
    const waiting = errorOf(waiter.client.query('UPDATE ledger SET amount = 1 WHERE id = 7'));
    const tree = await waitFor('the waiter in database.locks', async () => {
      const t = await client.call('database.locks', {});
      return t.sessions.some((s) => s.pid === waiter.pid) ? t : undefined;
    });
    expect(tree.sessions.map((s) => [s.pid, s.depth, s.blockedBy])).toEqual([
      [holder.pid, 0, []],
      [waiter.pid, 1, [holder.pid]],
    ]);

    expect(await errorOf(client.call('database.terminateBackend', { pid: holder.pid } as never))).toMatchObject({
      code: 'bad-request',
      message: expect.stringContaining('confirm'),
    });
    expect(await client.call('database.terminateBackend', { pid: holder.pid, confirm: true })).toEqual({ terminated: true });
    expect(await waiting).toBeUndefined();
    expect((await client.call('database.locks', {})).sessions).toEqual([]);
  });

  it("refuses to terminate the engine's own connections", async () => {
    const ours = (await client.call('database.activity', {})).connections.find((c) => c.ours);
    expect(ours).toBeDefined();
    expect(await errorOf(client.call('database.terminateBackend', { pid: ours!.pid, confirm: true }))).toMatchObject({
      code: 'not-terminable',
      hint: expect.stringContaining('Cancel its query instead'),
    });
  });

  it('reports sizes, vacuum and wraparound figures, and rates between samples', async () => {
    const sizes = await client.call('database.sizes', { limit: 5 });
    expect(sizes.tables.find((t) => t.name === 'ledger')).toMatchObject({ schema: 'public', rows: 5000, bloatUnknown: null });
    expect(sizes.indexes.find((i) => i.name === 'ledger_pkey')).toMatchObject({ table: 'ledger', unique: true });

    const vacuum = await client.call('database.vacuum', {});
    expect(vacuum.databases.find((d) => d.name === db.name)?.xidAge).toBeGreaterThan(0);
    expect(vacuum.tables.find((t) => t.name === 'ledger')).toMatchObject({ freezeMaxAge: vacuum.freezeMaxAge });

    const rates = await waitFor('a first rate point', async () => {
      const r = await client.call('database.rates', {});
      return r.points.length > 0 ? r : undefined;
    });
    expect(rates.points[0]!.windowMs).toBeGreaterThanOrEqual(1000);
    expect(rates.points[0]!.commitsPerSecond).toBeGreaterThanOrEqual(0);
  });

  it('says the stack has no Redis instead of Redis figures', async () => {
    expect(await client.call('database.redis', {})).toMatchObject({
      available: false,
      server: null,
      reason: expect.stringContaining('This stack has no Redis'),
    });
  });
});
