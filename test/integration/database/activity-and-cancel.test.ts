import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { readActivity } from '../../../main/database/activity.ts';
import { cancelQuery } from '../../../main/database/cancel-query.ts';
import { TEST_SERVERS, createTestDatabase, serverUrl, type TestDatabase } from '../../support/databases.ts';
import { waitFor } from '../../support/wait-for.ts';
import { errorOf } from '../../support/error-of.ts';

async function client(url: string, applicationName: string): Promise<{ client: pg.Client; pid: number }> {
  const c = new pg.Client({ connectionString: url, application_name: applicationName });
  await c.connect();
  const { rows } = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return { client: c, pid: rows[0]!.pid };
}

describe.each(TEST_SERVERS)('database activity and cancelling queries (%s)', (server) => {
  let db: TestDatabase;
  let pool: pg.Pool;
  const clients: pg.Client[] = [];
  const open = async (url: string, name: string) => {
    const opened = await client(url, name);
    clients.push(opened.client);
    return opened;
  };

  beforeAll(async () => {
    db = await createTestDatabase(server);
    pool = new pg.Pool({ connectionString: db.url, max: 2, application_name: 'hotpath' });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await pool?.end();
    await db?.drop();
  });

  it('lists a query running on another connection, tells ours apart, and cancels it', async () => {
    const sleeper = await open(db.url, 'someone-else');
    const ours = await open(db.url, 'hotpath-probe');
    const sleeping = errorOf(sleeper.client.query('SELECT pg_sleep(30)'));

    const running = await waitFor('the pg_sleep query in pg_stat_activity', async () =>
      (await readActivity(pool)).connections.find((c) => c.pid === sleeper.pid && c.state === 'active'),
    );
    expect(running).toMatchObject({
      application: 'someone-else',
      ours: false,
      query: 'SELECT pg_sleep(30)',
      user: 'postgres',
      waitEvent: 'Timeout:PgSleep',
    });
    expect(running.queryAgeMs).toBeGreaterThanOrEqual(0);

    const activity = await readActivity(pool);
    expect(activity.connections.find((c) => c.pid === ours.pid)).toMatchObject({ ours: true, state: 'idle', queryAgeMs: null });

    expect(await cancelQuery(pool, sleeper.pid)).toEqual({ cancelled: true });
    expect(await sleeping).toMatchObject({ message: 'canceling statement due to user request' });
    // Cancelling ends the query, not the connection.
    expect((await sleeper.client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('says so when the pid does not exist', async () => {
    const error = await errorOf(cancelQuery(pool, 2_000_000_000));
    expect(error).toMatchObject({
      code: 'no-such-backend',
      message: expect.stringContaining('No connection with pid 2000000000'),
      hint: expect.any(String),
    });
  });

  it('refuses a connection to another database and leaves its query running', async () => {
    const elsewhere = await open(serverUrl(server), 'someone-elsewhere');
    const sleeping = errorOf(elsewhere.client.query('SELECT pg_sleep(30)'));
    const error = await errorOf(cancelQuery(pool, elsewhere.pid));
    expect(error).toMatchObject({
      code: 'not-cancellable',
      message: expect.stringContaining('connected to database "postgres"'),
      hint: expect.stringContaining(db.name),
    });
    expect((await readActivity(pool)).connections.some((c) => c.pid === elsewhere.pid)).toBe(false);
    const { rows } = await pool.query<{ state: string }>('SELECT state FROM pg_stat_activity WHERE pid = $1', [elsewhere.pid]);
    expect(rows).toEqual([{ state: 'active' }]);
    await pool.query('SELECT pg_cancel_backend($1)', [elsewhere.pid]);
    expect(await sleeping).toMatchObject({ message: 'canceling statement due to user request' });
  });

  it('refuses a background process of the server', async () => {
    const { rows } = await pool.query<{ pid: number; backend_type: string }>(
      `SELECT pid, backend_type FROM pg_stat_activity WHERE backend_type = 'checkpointer'`,
    );
    const checkpointer = rows[0]!;
    expect(await errorOf(cancelQuery(pool, checkpointer.pid))).toMatchObject({
      code: 'not-cancellable',
      message: expect.stringContaining('a checkpointer, not a client connection'),
    });
  });
});
