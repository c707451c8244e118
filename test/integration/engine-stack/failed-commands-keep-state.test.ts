import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Engine } from '../../../main/engine/engine.ts';
import type { EngineStatus } from '../../../main/contract/status.ts';
import { TEST_SERVERS, createTestDatabase, withDatabase, type TestDatabase } from '../../support/databases.ts';
import { waitFor } from '../../support/wait-for.ts';
import { ITEMS_TABLE_SQL, itemsProfile } from '../../support/items-workload.ts';

/** A profile that needs no demo data: point reads of a table the test creates. */
const GOOD_PROFILE = itemsProfile('good');

/** A port nothing listens on (we held it a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each(TEST_SERVERS)('a failed command leaves what was running intact (%s)', (server) => {
  let db: TestDatabase;
  let other: TestDatabase;
  let dataDir: string;
  let engine: Engine;
  let goodProfile: string;
  let before: EngineStatus;

  /** The workload "good" is still running on the same stack, and its requests keep being answered. */
  async function stillRunning(): Promise<void> {
    const status = await engine.call('engine.status', {});
    expect(status).toMatchObject({ phase: 'ready', stack: before.stack, workload: { running: true, profile: 'good', targetRate: 50 } });
    const served = async (): Promise<number> => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: string }>(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'hotpath-workload'",
        );
        return Number(rows[0]!.n);
      } finally {
        await client.end();
      }
    };
    expect(await served()).toBeGreaterThan(0);
    const history = await waitFor('a telemetry interval with requests of "good"', async () => {
      const recent = await engine.call('telemetry.history', { seconds: 3 });
      return recent.find((s) => (s.workload?.templates.find((t) => t.template === 'all')?.count ?? 0) > 0);
    });
    expect(history.workload!.templates.find((t) => t.template === 'all')!.errors).toBe(0);
  }

  beforeAll(async () => {
    db = await createTestDatabase(server);
    other = await createTestDatabase(server);
    const setup = new pg.Client({ connectionString: db.url });
    await setup.connect();
    await setup.query(ITEMS_TABLE_SQL);
    await setup.end();
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-keep-state-'));
    goodProfile = join(dataDir, 'good.yaml');
    await writeFile(goodProfile, GOOD_PROFILE);
    engine = new Engine({ dataDir, cache: false, workloadSeed: 3 });
    await engine.call('stack.connect', { pgUrl: db.url });
    before = await engine.call('workload.start', { profile: goodProfile });
  });
  afterEach(async () => {
    // Every test starts from the same running workload; a test that broke it must not hide the next one's result.
    const status = await engine.call('engine.status', {});
    if (status.phase !== 'ready' || status.stack?.pgDisplayUrl !== before.stack?.pgDisplayUrl)
      await engine.call('stack.connect', { pgUrl: db.url });
    if (!(await engine.call('engine.status', {})).workload.running) await engine.call('workload.start', { profile: goodProfile });
  });
  afterAll(async () => {
    await engine?.stop();
    await db?.drop();
    await other?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('workload.start with a profile that fails validation keeps the running workload', async () => {
    const broken = join(dataDir, 'broken.yaml');
    await writeFile(broken, 'name: broken\ntemplates:\n  - name: t\n    weight: heavy\n    sql: SELECT 1\n');
    await expect(engine.call('workload.start', { profile: broken })).rejects.toMatchObject({ code: 'bad-workload-profile' });
    await stillRunning();
  });

  it('workload.start with a profile file that does not exist keeps the running workload', async () => {
    await expect(engine.call('workload.start', { profile: join(dataDir, 'missing.yaml') })).rejects.toMatchObject({
      message: expect.stringContaining('missing.yaml'),
    });
    await stillRunning();
  });

  it('workload.start with SQL the server cannot prepare is refused, naming the template, and keeps the running workload', async () => {
    const bad = join(dataDir, 'bad-sql.yaml');
    await writeFile(
      bad,
      GOOD_PROFILE.replace('name: good', 'name: bad_sql').replace(
        'SELECT id, note FROM public.items',
        'SELECT id, no_such_column FROM public.items',
      ),
    );
    await expect(engine.call('workload.start', { profile: bad })).rejects.toMatchObject({
      code: 'workload-sql-failed',
      message: expect.stringMatching(/by_id.*no_such_column/s),
    });
    await stillRunning();
  });

  it('workload.start with a table that does not exist is refused and keeps the running workload', async () => {
    const bad = join(dataDir, 'bad-table.yaml');
    await writeFile(bad, GOOD_PROFILE.replace('name: good', 'name: bad_table').replace('public.items', 'public.no_such_table'));
    await expect(engine.call('workload.start', { profile: bad })).rejects.toMatchObject({
      message: expect.stringContaining('no_such_table'),
    });
    await stillRunning();
  });

  it.each([
    ['a malformed URL', () => 'postgresql://[not-a-host'],
    ['a URL of another scheme', () => 'mysql://root@127.0.0.1/x'],
    ['a database that does not exist', () => withDatabase(db.url, 'hotpath_no_such_db')],
    [
      'a role that does not exist',
      () => {
        const u = new URL(db.url);
        u.username = 'hotpath_no_such_role';
        return u.toString();
      },
    ],
  ])('stack.connect with %s returns the error and keeps the connected stack and its workload', async (_what, url) => {
    const error = await engine.call('stack.connect', { pgUrl: url() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    await stillRunning();
  });

  it('stack.connect to a server that is not there returns the error and keeps the connected stack and its workload', async () => {
    const url = `postgresql://postgres@127.0.0.1:${await closedPort()}/postgres?connect_timeout=5`;
    await expect(engine.call('stack.connect', { pgUrl: url })).rejects.toMatchObject({ code: expect.any(String) });
    await stillRunning();
  });

  it('pool.resize to an impossible size is refused and leaves the pool and the workload as they were', async () => {
    const pool = await engine.call('pool.status', {});
    await expect(engine.call('pool.resize', { min: 50, max: 10 })).rejects.toMatchObject({ code: expect.any(String) });
    await expect(engine.call('pool.resize', { min: 1, max: 100_000 })).rejects.toMatchObject({
      code: 'bad-request',
      message: expect.stringContaining('max'),
    });
    expect((await engine.call('pool.status', {})).size).toEqual(pool.size);
    await stillRunning();
  });

  it('pool.applySettings with a bad value is refused and leaves the session settings as they were', async () => {
    const settings = (await engine.call('pool.status', {})).settings;
    await expect(engine.call('pool.applySettings', { change: { workMemKb: 1 } })).rejects.toMatchObject({
      code: 'bad-request',
      message: expect.stringContaining('workMemKb'),
    });
    await expect(engine.call('pool.applySettings', { change: { planCacheMode: 'sometimes' } as never })).rejects.toMatchObject({
      code: 'bad-request',
    });
    expect((await engine.call('pool.status', {})).settings).toEqual(settings);
    await stillRunning();
  });

  it('profiles.connect to a profile that does not exist is refused and keeps the connected stack', async () => {
    await expect(engine.call('profiles.connect', { id: 'no-such-profile' })).rejects.toMatchObject({ code: expect.any(String) });
    await stillRunning();
  });

  it('a second stack.connect while one is under way is refused as busy; the stack in use serves throughout', async () => {
    const sockets = new Set<Socket>();
    const hole = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => hole.listen(0, '127.0.0.1', resolve));
    const url = `postgresql://postgres@127.0.0.1:${(hole.address() as AddressInfo).port}/postgres?sslmode=disable&connect_timeout=600`;
    const first = engine.call('stack.connect', { pgUrl: url }).catch((e: unknown) => e);
    await waitFor('the hanging connect to reach the server', () => (sockets.size > 0 ? true : undefined));
    await expect(engine.call('stack.connect', { pgUrl: other.url })).rejects.toMatchObject({ code: 'busy' });
    await stillRunning();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => hole.close(() => resolve()));
    expect(await first).toMatchObject({ code: expect.any(String) });
    await stillRunning();
  });

  it('memory.setBudget and cache.resize out of bounds are refused and change nothing', async () => {
    const memory = await engine.call('memory.status', {});
    await expect(engine.call('memory.setBudget', { bytes: 1 })).rejects.toMatchObject({
      code: 'bad-request',
      message: expect.stringContaining('bytes'),
    });
    await expect(engine.call('cache.resize', { l1Bytes: -1 })).rejects.toMatchObject({
      code: 'bad-request',
      message: expect.stringContaining('l1Bytes'),
    });
    expect((await engine.call('memory.status', {})).budgetBytes).toBe(memory.budgetBytes);
    await stillRunning();
  });

  it('stack.connect to a working stack swaps to it only once it is up (the old workload stops then)', async () => {
    const status = await engine.call('stack.connect', { pgUrl: other.url });
    expect(status).toMatchObject({
      phase: 'ready',
      stack: { pgDisplayUrl: expect.stringContaining(other.name) },
      workload: { running: false },
    });
    expect(status.error).toBeNull();
  });
});
