import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../main/engine/engine.ts';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { waitFor } from '../../support/wait-for.ts';
import { startPrivateRedis, type PrivateRedis } from '../cache-l2/private-redis-server.ts';

const MiB = 1024 * 1024;
/** How many of B's hottest keys the test follows (warming is how it asks B where a key is: its L1, L2, or nowhere). */
const KEYS = 40;

/**
 * Two Hotpath engines on one stack (one PostgreSQL database, one private Redis; no L3, so L2 is the only shared
 * tier): a flush or an invalidation in A must reach B's L1, or B keeps serving what A removed. B's warm-up tells
 * where its hottest keys are: `alreadyCached` (in B's L1, or in L2) or `loaded` (from the database).
 */
describe('two Hotpath engines on one stack (pg18 + one Redis)', () => {
  let redis: PrivateRedis;
  let db: TestDatabase;
  const dataDirs: string[] = [];
  let a: Engine;
  let b: Engine;
  const engine = async (seed: number) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hotpath-two-engines-'));
    dataDirs.push(dataDir);
    const made = new Engine({ dataDir, workloadSeed: seed, cache: { l1Bytes: 16 * MiB, l3: { kind: 'off' } } });
    await made.call('stack.connect', { pgUrl: db.url, redisUrl: redis.url });
    return made;
  };
  const l1Entries = async (e: Engine) => (await e.call('cache.status', {})).l1!.entries;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    db = await createTestDatabase('pg18');
    a = await engine(21);
    b = await engine(22);
    await a.call('demo.seed', { chunks: 2000 });
    // Both run the demo workload (both cached templates) until each L1 holds its hot keys.
    await a.call('workload.start', { profile: 'demo', rate: 200 });
    await b.call('workload.start', { profile: 'demo', rate: 200 });
    await waitFor('both L1s to fill', async () => {
      const [sa, sb] = await Promise.all([a.call('cache.status', {}), b.call('cache.status', {})]);
      return sa.l1!.entries > KEYS && sb.l1!.entries > KEYS && sb.hotKeys > KEYS ? true : undefined;
    });
    await a.call('workload.stop', {});
    await b.call('workload.stop', {});
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await db?.drop();
    await redis?.stop();
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
  });

  it("a flush of everything in A empties B's L1: B reads its hottest keys from the database again", async () => {
    await b.call('cache.warm', { keys: KEYS });
    expect(await b.call('cache.warm', { keys: KEYS })).toMatchObject({ keys: KEYS, loaded: 0, alreadyCached: KEYS });
    expect(await l1Entries(b)).toBeGreaterThanOrEqual(KEYS);

    const flushed = await a.call('cache.flush', { tier: 'all' });
    expect(flushed.complete).toBe(true);
    expect(flushed.removed.l2).toBeGreaterThan(0);
    await waitFor("B's L1 to be emptied by A's flush", async () => ((await l1Entries(b)) === 0 ? true : undefined));
    // Nothing of them is left anywhere: every one comes from the database (had B's L1 kept them, none would).
    expect(await b.call('cache.warm', { keys: KEYS })).toMatchObject({ keys: KEYS, loaded: KEYS, alreadyCached: 0, failed: 0 });
  });

  it("invalidating a template in A drops its keys from B's L1 and keeps the other template's", async () => {
    // B's L1 (and L2) hold exactly B's hottest keys again (the previous warm-up); A reads its own into its L1.
    await a.call('cache.warm', { keys: KEYS });
    const before = await l1Entries(b);
    expect(before).toBe(KEYS);

    const invalidated = await a.call('cache.invalidate', { template: 'chunk_by_id' });
    expect(invalidated).toMatchObject({ template: 'chunk_by_id', complete: true });
    expect(invalidated.removed.l1).toBeGreaterThan(0);
    expect(invalidated.removed.l2).toBeGreaterThan(0);
    const after = await waitFor("B's L1 to drop A's invalidated keys", async () => {
      const entries = await l1Entries(b);
      return entries < before ? entries : undefined;
    });
    expect(after).toBeGreaterThan(0); // graph_neighbours' results stay

    // Warming B again: exactly the keys B's L1 dropped come from the database, the rest are still cached.
    const warmed = await b.call('cache.warm', { keys: KEYS });
    expect(warmed).toMatchObject({ keys: KEYS, failed: 0 });
    expect(warmed.loaded).toBe(before - after);
    expect(warmed.alreadyCached).toBe(KEYS - (before - after));
    // A's own tiers lost them too: its L1 answers for graph_neighbours only until it reloads chunk_by_id.
    expect((await a.call('cache.invalidate', { template: 'chunk_by_id' })).removed.l1).toBe(0);
  });

  it("re-seeding the demo data in A (its rows rewritten) empties B's L1 of the old rows", async () => {
    await b.call('cache.warm', { keys: KEYS });
    expect(await l1Entries(b)).toBeGreaterThan(0);
    const seeded = await a.call('demo.seed', { chunks: 2000, force: true });
    expect(seeded.reused).toBe(false);
    await waitFor("B's L1 to be emptied by A's re-seed", async () => ((await l1Entries(b)) === 0 ? true : undefined));
    expect(await b.call('cache.warm', { keys: KEYS })).toMatchObject({ keys: KEYS, loaded: KEYS, alreadyCached: 0, failed: 0 });
  });
});
