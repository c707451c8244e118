import pg from 'pg';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../../main/demo/seeder.ts';
import { PlannerThread } from '../../../main/engine/planner-thread.ts';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';

const TEMPLATES = [{ name: 'similar_chunks', weight: 1, anchored: 0 }];

/** The plan selector's thread dying under a running workload: it fails what it had, then serves the workload again. */
describe('the plan selector thread after a crash', () => {
  let db: TestDatabase;
  const logs: string[] = [];
  let thread: PlannerThread;

  beforeAll(async () => {
    db = await createTestDatabase('pg15');
    const pool = new pg.Pool({ connectionString: db.url, max: 4 });
    try {
      await seedDemoData(pool, { chunks: 1_000 });
    } finally {
      await pool.end();
    }
    thread = new PlannerThread({ connectionString: db.url }, (level, message) => logs.push(`${level}: ${message}`));
  });
  afterAll(async () => {
    await thread?.close();
    await db?.drop();
  });

  it('reports the loss, refuses for a few seconds rather than restarting per request, then reopens the workload’s target', async () => {
    const target = thread.hybridTarget(TEMPLATES, 7);
    expect((await target.execute(0, [])).serverUs).toBeGreaterThan(0);

    // Kill the worker the way a crash would (no close message): the test reaches into the one field that holds it.
    const { worker } = (thread as unknown as { requests: { worker: Worker } }).requests;
    await worker.terminate();
    expect(logs.some((line) => /^warn: The plan selector's thread stopped/.test(line))).toBe(true);
    expect(await thread.status()).toMatchObject({ state: 'failed' });
    await expect(target.execute(0, [])).rejects.toThrow(/starts again within 5 s/);

    await new Promise((resolve) => setTimeout(resolve, 5_100));
    // A new worker, and the workload's target opened in it again: the same target object answers.
    expect((await target.execute(0, [])).serverUs).toBeGreaterThan(0);
    expect((await thread.status()).state).toBe('ready');
    await target.close();
  }, 60_000);
});
