import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../../main/demo/seeder.ts';
import { PlannerThread } from '../../../main/engine/planner-thread.ts';
import { createTestDatabase, TEST_SERVERS, type TestDatabase } from '../../support/databases.ts';

const TEMPLATES = [
  { name: 'similar_chunks', weight: 1, anchored: 0 },
  { name: 'similar_chunks', weight: 1, anchored: 1 },
];

// What aggressive memory pressure takes back from the plan selector's thread: its cached partial results.
describe.each(TEST_SERVERS)('the plan selector thread releasing its caches (%s)', (server) => {
  let db: TestDatabase;
  let thread: PlannerThread;

  beforeAll(async () => {
    db = await createTestDatabase(server);
    const pool = new pg.Pool({ connectionString: db.url, max: 4 });
    try {
      await seedDemoData(pool, { chunks: 1_000 });
    } finally {
      await pool.end();
    }
    thread = new PlannerThread({ connectionString: db.url }, () => undefined);
  });
  afterAll(async () => {
    await thread?.close();
    await db?.drop();
  });

  it('starts no thread to release nothing; after hybrid queries it drops the partial results and says how many bytes they held', async () => {
    expect(await thread.releaseCaches()).toBe(0);
    expect((await thread.status()).state).toBe('off');
    const target = thread.hybridTarget(TEMPLATES, 3);
    for (let i = 0; i < 200; i += 1) await target.execute(i % 2, []);
    const released = await thread.releaseCaches();
    expect(released).toBeGreaterThan(0);
    expect(await thread.releaseCaches()).toBe(0);
    // The selector carries on: the next queries rebuild what they need.
    expect((await target.execute(1, [])).serverUs).toBeGreaterThan(0);
    await target.close();
  }, 120_000);
});
