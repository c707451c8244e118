import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { runClosedLoop } from '../../support/closed-loop-driver.ts';
import { PgWorkloadTarget } from '../../../main/workload/pg-workload-target.ts';
import { WorkloadRunner } from '../../../main/workload/workload-runner.ts';
import { PoolManager } from '../../../main/pool/pool-manager.ts';
import { seededRandom } from '../../../main/util/random.ts';

const STALL_MS = 600;
const RUN_MS = 3000;

/** Holds an ACCESS EXCLUSIVE lock on the table for STALL_MS, starting after `afterMs`: a real server stall. */
async function stallServer(url: string, afterMs: number): Promise<void> {
  const locker = new pg.Client({ connectionString: url });
  await locker.connect();
  await new Promise((resolve) => setTimeout(resolve, afterMs));
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE items IN ACCESS EXCLUSIVE MODE');
  await new Promise((resolve) => setTimeout(resolve, STALL_MS));
  await locker.query('COMMIT');
  await locker.end();
}

describe.each(TEST_SERVERS)('a %s stall seen open loop vs closed loop', (server) => {
  let db: TestDatabase;
  let pool: PoolManager;
  let target: PgWorkloadTarget;

  beforeAll(async () => {
    db = await createTestDatabase(server);
    const setup = new pg.Client({ connectionString: db.url });
    await setup.connect();
    await setup.query(
      'CREATE TABLE items (id int PRIMARY KEY, v text); INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 1000) g',
    );
    await setup.end();
    pool = await PoolManager.open({ connection: { connectionString: db.url }, max: 4, readOnly: true });
    target = new PgWorkloadTarget(pool, [{ name: 'by_id', sql: 'SELECT v FROM items WHERE id = $1' }]);
  });
  afterAll(async () => {
    await pool.close();
    await db.drop();
  });

  it('open-loop recording shows the stall in p99; closed-loop recording hides it', async () => {
    const random = seededRandom(3);
    const params = () => [1 + Math.floor(random() * 1000)];

    const runner = new WorkloadRunner({
      templates: [{ name: 'by_id', nextParams: params }],
      pickTemplate: () => 0,
      target,
      rate: 200,
      random,
      intervalMs: 0,
    });
    runner.start();
    await Promise.all([stallServer(db.url, 1000), new Promise((resolve) => setTimeout(resolve, RUN_MS))]);
    await runner.stop();
    const open = runner.cumulative().get('all')!;

    const [closed] = await Promise.all([runClosedLoop(target, params, 1, RUN_MS), stallServer(db.url, 1000)]);

    // Both saw the same stall: its full length appears as the worst request.
    expect(open.max).toBeGreaterThanOrEqual(STALL_MS * 0.9);
    expect(closed.max).toBeGreaterThanOrEqual(STALL_MS * 0.9);
    // Open loop: every request due during the stall waited, so ~20% of requests are slow.
    expect(open.p99).toBeGreaterThanOrEqual(STALL_MS / 2);
    // Closed loop: one request waited and the sender paused, so the stall vanishes from p99.
    expect(closed.p99).toBeLessThan(STALL_MS / 2);
    expect(closed.p99 * 5).toBeLessThan(open.p99);
  });
});
