import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../main/engine/engine.ts';
import { minimumBudget } from '../../../main/memory/memory-floor.ts';
import { TEST_SERVERS, createTestDatabase, serverUrl, type TestDatabase } from '../../support/databases.ts';
import { waitFor } from '../../support/wait-for.ts';
import { ITEMS_TABLE_SQL, itemsProfile } from '../../support/items-workload.ts';

const PROFILE = itemsProfile('items');

/**
 * Commands that overlap: a second connect (or workload start) arriving while the first is still under way must
 * never leave a stack (or a runner) that nothing tracks, and a refused connect keeps the stack in use.
 */
describe.each(TEST_SERVERS)('overlapping commands leave nothing behind (%s)', (server) => {
  let first: TestDatabase;
  let second: TestDatabase;
  let dataDir: string;
  let profile: string;
  let engine: Engine | null = null;

  /** Connections Hotpath holds to the two test databases (admin pool, workload pool, planner: all `hotpath…`). */
  async function hotpathConnections(): Promise<number> {
    const client = new pg.Client({ connectionString: serverUrl(server) });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = ANY($1) AND application_name LIKE 'hotpath%'",
        [[first.name, second.name]],
      );
      return Number(rows[0]!.n);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    first = await createTestDatabase(server);
    second = await createTestDatabase(server);
    for (const db of [first, second]) {
      const setup = new pg.Client({ connectionString: db.url });
      await setup.connect();
      await setup.query(ITEMS_TABLE_SQL);
      await setup.end();
    }
  });
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-races-'));
    profile = join(dataDir, 'items.yaml');
    await writeFile(profile, PROFILE);
  });
  afterEach(async () => {
    await engine?.stop();
    engine = null;
    await rm(dataDir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await first?.drop();
    await second?.drop();
  });

  it('a stack.connect arriving at any point of a connect in progress is refused as busy; after stop no connection is left', async () => {
    engine = new Engine({ dataDir, cache: false });
    await engine.call('stack.connect', { pgUrl: first.url });
    const running = engine.call('stack.connect', { pgUrl: second.url });
    let settled = false;
    void running.then(
      () => (settled = true),
      () => (settled = true),
    );
    // Another connect at every turn of the event loop while the first is under way: each must be refused.
    const others: Array<Promise<unknown>> = [];
    while (!settled) {
      others.push(
        engine.call('stack.connect', { pgUrl: first.url }).then(
          () => 'connected',
          (e: { code?: string }) => e.code,
        ),
      );
      await new Promise((resolve) => setImmediate(resolve));
    }
    await running;
    const outcomes = await Promise.all(others);
    expect(outcomes.length).toBeGreaterThan(0);
    expect(new Set(outcomes)).toEqual(new Set(['busy']));
    expect((await engine.call('engine.status', {})).stack?.pgDisplayUrl).toContain(second.name);
    await engine.stop();
    engine = null;
    await waitFor('every Hotpath connection closed', async () => ((await hotpathConnections()) === 0 ? true : undefined));
  });

  it('two overlapping workload.start calls leave one runner: every runner started is stopped', async () => {
    engine = new Engine({ dataDir, cache: false, workloadSeed: 1 });
    await engine.call('stack.connect', { pgUrl: first.url });
    const logs: string[] = [];
    engine.subscribe('engine.log', (entry) => logs.push(entry.message));
    // A running workload of slow requests: each start stops it first, which waits for its requests in flight.
    const slow = join(dataDir, 'slow.yaml');
    await writeFile(slow, PROFILE.replace('SELECT id, note FROM', 'SELECT id, note, pg_sleep(0.3) FROM'));
    await engine.call('workload.start', { profile: slow });
    const results = await Promise.allSettled([engine.call('workload.start', { profile }), engine.call('workload.start', { profile })]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect((await engine.call('engine.status', {})).workload.running).toBe(true);
    await engine.call('workload.stop', {});
    const started = logs.filter((m) => /^Workload "items" started/.test(m)).length;
    const stopped = logs.filter((m) => /^Workload "items" stopped/.test(m)).length;
    expect(started).toBe(3);
    expect(stopped).toBe(started);
  });

  it('a connect refused for the memory budget keeps the stack in use, ready', async () => {
    // A budget the first connect fits in, then the process grows past it: the next connect's check refuses it.
    const resting = process.memoryUsage().rss;
    const budget = minimumBudget(resting + 150 * 1024 * 1024);
    engine = new Engine({ dataDir, cache: false, memoryBudgetBytes: budget });
    const before = await engine.call('stack.connect', { pgUrl: first.url });
    // Grown until the process is well past what the budget covers (filled buffers are resident).
    const ballast: Buffer[] = [];
    while (process.memoryUsage().rss < resting + 400 * 1024 * 1024 && ballast.length < 64) ballast.push(Buffer.alloc(32 * 1024 * 1024, 1));
    try {
      await expect(engine.call('stack.connect', { pgUrl: second.url })).rejects.toMatchObject({ code: 'memory-budget-too-small' });
      const status = await engine.call('engine.status', {});
      expect(status.phase).toBe('ready');
      expect(status.stack?.pgDisplayUrl).toBe(before.stack?.pgDisplayUrl);
      await engine.call('workload.start', { profile });
    } finally {
      ballast.length = 0;
    }
  });
});
