import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../main/engine/engine.ts';
import { plannerStatusSchema, PLAN_NAMES } from '../../../main/contract/planner.ts';
import type { TelemetrySnapshot } from '../../../main/contract/telemetry.ts';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { waitFor } from '../../support/wait-for.ts';

/** Mostly hybrid queries, so the selector sees enough of them in a short test. */
const HYBRID_PROFILE = `name: hybrid-heavy
templates:
  - name: one_chunk
    weight: 1
    sql: SELECT id FROM unified.chunks WHERE id = 1
hybrid:
  - name: similar_chunks
    weight: 50
    anchored: 0
  - name: hybrid_retrieval
    weight: 50
    anchored: 1
`;

/** The learned plan selector through the engine's contract: what the Planner page and the workload rely on. */
describe.each(TEST_SERVERS)('the engine plan selector (%s)', (server) => {
  let db: TestDatabase;
  let dataDir: string;
  let engine: Engine;
  let profilePath: string;
  const snapshots: TelemetrySnapshot[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(server);
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-engine-planner-'));
    profilePath = join(dataDir, 'hybrid.yaml');
    await writeFile(profilePath, HYBRID_PROFILE);
    engine = new Engine({ dataDir, workloadSeed: 11, workloadPoolSize: 4, cache: false });
    engine.subscribe('telemetry.snapshot', (s) => snapshots.push(s));
  });
  afterAll(async () => {
    await engine?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is off, with what to do, before a stack is connected; its actions need one', async () => {
    const status = plannerStatusSchema.parse(await engine.call('planner.status', {}));
    expect(status).toMatchObject({ state: 'off', index: null, queries: 0 });
    expect(status.message).toMatch(/Connect to a database/);
    await expect(engine.call('planner.retrain', {})).rejects.toMatchObject({ code: 'not-connected' });
    await expect(engine.call('planner.reset', {})).rejects.toMatchObject({ code: 'not-connected' });
  });

  it('loads its index when hybrid templates run, answers them, learns and samples the oracle', async () => {
    await engine.call('stack.connect', { pgUrl: db.url });
    expect((await engine.call('planner.status', {})).state).toBe('off');
    await engine.call('demo.seed', { chunks: 1500 });
    await engine.call('workload.start', { profile: profilePath, rate: 40 });
    const status = await waitFor(
      '60 hybrid queries and two oracle samples',
      async () => {
        const s = await engine.call('planner.status', {});
        return s.queries >= 60 && s.regret.oracleSamples >= 2 ? s : undefined;
      },
      90_000,
    );
    // Hybrid queries run on the selector's own thread and connections, not on the engine's workload pool.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const sessions = await client
      .query<{ app: string; n: number }>(
        `SELECT application_name AS app, count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'hotpath-%' GROUP BY 1`,
      )
      .finally(() => client.end());
    expect(sessions.rows.find((r) => r.app === 'hotpath-planner')?.n).toBeGreaterThan(0);
    await engine.call('workload.stop', {});
    const parsed = plannerStatusSchema.parse(status);
    expect(parsed.state).toBe('ready');
    expect(parsed.index?.rows).toBe(1500);
    expect(parsed.index?.bytes).toBeGreaterThanOrEqual(1500 * 32 * 4);
    expect(parsed.vectorPath.kind).toBe('in-process');
    expect(parsed.plans.map((p) => p.name)).toEqual([...PLAN_NAMES]);
    expect(parsed.plans.every((p) => p.description.length > 10)).toBe(true);
    // Every answered query is counted under the plan that answered it.
    expect(parsed.plans.reduce((sum, p) => sum + p.chosen, 0)).toBe(parsed.queries);
    expect(parsed.model.observations).toBeGreaterThanOrEqual(parsed.queries);
    expect(parsed.overheadUs?.mean).toBeGreaterThan(0);
    expect(parsed.regret.oracleMeanMs).not.toBeNull();
    // The oracle is the best plan per query, so the selector can never beat it on the same samples.
    expect(parsed.regret.selectorMeanMs!).toBeGreaterThanOrEqual(parsed.regret.oracleMeanMs!);
    expect(parsed.timeline.some((bucket) => bucket.queries > 0)).toBe(true);
    expect(parsed.recent.length).toBeGreaterThan(0);
    expect(parsed.recent.every((q) => q.actualMs > 0)).toBe(true);
    // The hybrid templates are workload templates like the others: their latency reaches the telemetry.
    const names = new Set(snapshots.flatMap((s) => s.workload?.templates.map((t) => t.template) ?? []));
    expect(names).toContain('similar_chunks');
    expect(names).toContain('hybrid_retrieval');
  });

  it('retrains on demand, and reset forgets everything learned', async () => {
    const retrained = await engine.call('planner.retrain', {});
    expect(retrained.model.trainings).toBeGreaterThanOrEqual(1);
    expect(retrained.model.trainedAt).not.toBeNull();
    expect(retrained.model.training).toBe(false);
    const reset = await engine.call('planner.reset', {});
    expect(reset).toMatchObject({ state: 'ready', queries: 0 });
    expect(reset.model).toMatchObject({ observations: 0, trainings: 0, fallback: true });
    expect(reset.regret.oracleSamples).toBe(0);
    expect(reset.index?.rows).toBe(1500);
  });
});
