import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../main/engine/engine.ts';
import type { BuildProgressPayload } from '../../../main/contract/advisor.ts';
import type { TaskProgress } from '../../../main/contract/status.ts';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * "Optimize" through the engine's contract on the demo workload: plan, confirm, build online, measure.
 * The two servers at once (each its own database, data folder and engine): a server's run mostly waits (the warm-up,
 * the settle, online builds); within a server the tests run in order, each building on the one before.
 */
describe.concurrent.each(TEST_SERVERS)('Optimize on the demo workload (%s)', (server) => {
  let db: TestDatabase;
  let dataDir: string;
  let engine: Engine;
  const progress: TaskProgress[] = [];
  const builds: BuildProgressPayload[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(server);
    if (server === 'pg15') {
      // The owner's one-time step for what-if costs (the system PostgreSQL 15 has HypoPG): analysis never creates it.
      const owner = new pg.Client({ connectionString: db.url });
      await owner.connect();
      await owner.query('CREATE EXTENSION IF NOT EXISTS hypopg').finally(() => owner.end());
    }
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-optimize-'));
    // A shorter settle than the default: these tests check what is measured, not how steady it is.
    engine = new Engine({ dataDir, workloadSeed: 3, cache: false, settleMs: 11_000 });
    engine.subscribe('task.progress', (p) => p.task === 'optimize' && progress.push(p));
    engine.subscribe('index.progress', (p) => builds.push(p));
    await engine.call('stack.connect', { pgUrl: db.url });
    await engine.call('demo.seed', { chunks: 20_000 });
    await engine.call('workload.start', { profile: 'demo', rate: 200 });
    await new Promise((resolve) => setTimeout(resolve, 4_000));
  });
  afterAll(async () => {
    await engine?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it.sequential('plans index steps with DDL and estimated gains, changing nothing', async () => {
    const plan = await engine.call('optimize.plan', {});
    const indexSteps = plan.steps.filter((s) => s.kind === 'index');
    expect(indexSteps.length).toBeGreaterThanOrEqual(2);
    for (const step of indexSteps) {
      // On chunks for the SQL templates; on edges(dst) for the hybrid templates' reverse graph walks.
      expect(step.ddl).toMatch(
        /^CREATE INDEX CONCURRENTLY "hp_(chunks_[a-z0-9_]+" ON "unified"\."chunks" USING (btree|brin) \(|edges_dst_[a-z0-9]+" ON "unified"\."edges" USING btree \("dst"\))/,
      );
      expect(step.estimatedGain).toMatch(/planner cost/);
    }
    expect(plan.before?.all).toBeGreaterThan(0);
    expect(plan.advisor.method).toBe(server === 'pg15' ? 'hypopg' : 'estimate');
    expect((await engine.call('advisor.status', {})).history).toEqual([]);
    await expect(engine.call('optimize.apply', { planId: 'nope', confirm: true })).rejects.toMatchObject({ code: 'no-such-plan' });
  });

  it.sequential(
    'applies a confirmed plan with progress, builds every index valid, and measures before and after on live traffic',
    async () => {
      const plan = await engine.call('optimize.plan', {});
      const result = await engine.call('optimize.apply', { planId: plan.id, confirm: true });
      expect(result.steps.map((s) => s.status)).toEqual(plan.steps.map(() => 'done'));
      expect(result.before?.all).toBeGreaterThan(0);
      expect(result.after?.all).toBeGreaterThan(0);
      expect(progress.at(-1)).toMatchObject({ phase: 'done' });
      expect(builds.length).toBeGreaterThan(0);
      const status = await engine.call('advisor.status', {});
      expect(
        status.history
          .filter((e) => e.status === 'built')
          .map((e) => e.name)
          .sort(),
      ).toEqual(
        plan.steps
          .filter((s) => s.kind === 'index')
          .map((s) => s.id.slice('index:'.length))
          .sort(),
      );
      // The next analysis finds nothing more to do for the SQL templates: the built indexes cover their statements.
      // (The hybrid plans' graph walks keep arriving in pg_stat_statements and may still ask for an edges index.)
      const again = await engine.call('optimize.plan', {});
      expect(again.steps.filter((s) => s.kind === 'index' && !s.id.startsWith('index:hp_edges_'))).toEqual([]);
    },
    // The other server's suite runs at the same time (describe.concurrent.each) and shares the two cores.
    180_000,
  );

  it.sequential('rolls back the indexes it built, and refuses one it did not', async () => {
    const built = (await engine.call('advisor.status', {})).history.filter((e) => e.status === 'built');
    for (const entry of built) {
      expect(await engine.call('advisor.rollback', { name: entry.name, confirm: true })).toMatchObject({
        name: entry.name,
        status: 'rolled-back',
      });
    }
    await expect(engine.call('advisor.rollback', { name: built[0]!.name, confirm: true })).rejects.toMatchObject({
      code: 'not-built-by-hotpath',
    });
    await expect(engine.call('advisor.rollback', { name: 'chunks_pkey', confirm: true })).rejects.toMatchObject({
      code: 'not-built-by-hotpath',
    });
  });

  it.sequential('in read-only mode plans no DDL and refuses to build', async () => {
    const readOnly = new Engine({ dataDir, cache: false, readOnly: true });
    try {
      await readOnly.call('stack.connect', { pgUrl: db.url });
      // The indexes rolled back above are wanted again.
      await readOnly.call('workload.start', { profile: 'demo', rate: 100 });
      const plan = await readOnly.call('optimize.plan', {});
      expect(plan.steps.filter((s) => s.kind === 'index')).toEqual([]);
      expect(plan.advisor.proposals.length).toBeGreaterThan(0);
      expect(plan.notes.join(' ')).toMatch(/Read-only mode: \d+ index proposals? (is|are) listed/);
      await expect(readOnly.call('advisor.build', { name: plan.advisor.proposals[0]!.name })).rejects.toMatchObject({ code: 'read-only' });
      expect((await readOnly.call('advisor.status', {})).readOnly).toBe(true);
    } finally {
      await readOnly.stop();
    }
  });
});
