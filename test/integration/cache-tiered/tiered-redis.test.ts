import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { RedisTier } from '../../../main/cache/l2/redis-tier.ts';
import { FolderTier } from '../../../main/cache/l3/folder-tier.ts';
import { RedisInvalidationBus } from '../../../main/cache/tiered/invalidation-bus.ts';
import { TieredCache } from '../../../main/cache/tiered/tiered-cache.ts';
import { waitFor } from '../../support/wait-for.ts';

// Against the system Redis under a prefix and channel of our own, and a temp-folder L3; both removed afterwards.
const url = inject('redisUrl');
const prefix = `hotpath-test:tiered:${randomUUID()}:`;
const channel = `${prefix}invalidate`;
let dir: string;
const tiers: RedisTier[] = [];
const buses: RedisInvalidationBus[] = [];
const caches: TieredCache[] = [];

async function redisTier(): Promise<RedisTier> {
  const tier = new RedisTier({ target: { kind: 'standalone', url }, keyPrefix: prefix, defaultTtlMs: 60_000 });
  tiers.push(tier);
  expect(await tier.ready(5_000)).toBe(true);
  return tier;
}

async function instance(withBus: boolean): Promise<{ cache: TieredCache; l2: RedisTier; l3: FolderTier }> {
  const l2 = await redisTier();
  const l3 = new FolderTier({ dir });
  let bus: RedisInvalidationBus | undefined;
  if (withBus) {
    bus = new RedisInvalidationBus({ url, channel });
    buses.push(bus);
    expect(await bus.ready(5_000)).toBe(true);
  }
  const cache = new TieredCache({
    l1: { maxBytes: 1 << 20 },
    l2,
    l3,
    defaultTtlMs: 60_000,
    largeValueBytes: 16 * 1024,
    ...(bus ? { bus } : {}),
  });
  caches.push(cache);
  return { cache, l2, l3 };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hotpath-tiered-l3-'));
});

afterEach(async () => {
  for (const cache of caches.splice(0)) await cache.close();
  for (const bus of buses.splice(0)) await bus.close();
  const cleaner = tiers[0];
  if (cleaner) expect((await cleaner.deleteByPrefix('')).complete).toBe(true);
  for (const tier of tiers.splice(0)) await tier.close();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('TieredCache over the real RedisTier and a folder L3', () => {
  it('promotes a small value L3 → L2 → L1 through the real tiers', async () => {
    const { cache, l2, l3 } = await instance(false);
    await cache.set('user:1', { id: 1, at: new Date(0) }, { tiers: ['l3'] }); // start from the bottom
    expect(await l2.get('user:1')).toBeUndefined();
    expect(await l3.get('user:1')).toBeDefined();

    const { cache: reader } = await instance(false); // its L1 starts empty
    expect(await reader.get('user:1')).toEqual({ id: 1, at: new Date(0) });
    expect(reader.stats().tiers).toMatchObject({ l1: { misses: 1 }, l2: { misses: 1 }, l3: { hits: 1 } });
    expect(await l2.get('user:1')).toMatchObject({ v: { id: 1 } }); // promoted into Redis
    expect(await reader.get('user:1')).toEqual({ id: 1, at: new Date(0) });
    expect(reader.stats().tiers).toMatchObject({ l1: { hits: 1 }, l3: { hits: 1 } }); // and into L1

    const { cache: third } = await instance(false);
    expect(await third.get('user:1')).toEqual({ id: 1, at: new Date(0) });
    expect(third.stats().tiers).toMatchObject({ l1: { misses: 1 }, l2: { hits: 1 }, l3: { hits: 0, misses: 0 } });
  });

  it('keeps a large value out of L1: written to Redis and the folder, promoted from L3 into L2 only', async () => {
    const { cache, l2, l3 } = await instance(false);
    const large = { kind: 'report', rows: Array.from({ length: 2000 }, (_, i) => ({ i, name: `row ${i}` })) };
    await cache.set('report:1', large);
    expect(await l2.get('report:1')).toMatchObject({ v: large });
    expect(await l3.get('report:1')).toBeDefined();
    expect(cache.stats().tiers.l1?.store.entries).toBe(0);

    await l2.delete('report:1');
    const { cache: reader } = await instance(false);
    expect(await reader.get('report:1')).toEqual(large); // from L3
    expect(await reader.get('report:1')).toEqual(large); // from L2, where the L3 hit promoted it
    expect(reader.stats().tiers).toMatchObject({ l1: { misses: 2 }, l2: { hits: 1, misses: 1 }, l3: { hits: 1 } });
    expect(reader.stats().tiers.l1?.store.entries).toBe(0);
  });

  it("instance A's delete and invalidatePrefix reach instance B's L1 through the bus", async () => {
    const a = await instance(true);
    const b = await instance(true);
    await b.cache.set('user:1', 'one');
    await b.cache.set('user:2', 'two');
    await b.cache.set('order:1', 'order');
    // Wait until B's own writes' messages have gone around (B ignores them: its L1 still holds the keys).
    expect(await b.cache.get('user:1')).toBe('one');
    const hitsBefore = b.cache.stats().tiers.l1?.hits ?? 0;

    await a.cache.delete('user:1');
    await waitFor('B to apply the delete', () => (b.cache.stats().busInvalidationsApplied >= 1 ? true : undefined), 5_000);
    expect(await b.cache.get('user:1')).toBeUndefined();

    await a.cache.invalidatePrefix('user:');
    await waitFor('B to apply the prefix', () => (b.cache.stats().busInvalidationsApplied >= 2 ? true : undefined), 5_000);
    expect(await b.cache.get('user:2')).toBeUndefined();
    expect(await b.cache.get('order:1')).toBe('order');
    // order:1 came from B's L1: only the invalidated keys were dropped.
    expect(b.cache.stats().tiers.l1?.hits).toBe(hitsBefore + 1);
  });

  it("a dead bus costs other instances' freshness, never a failed call", async () => {
    const bus = new RedisInvalidationBus({ url: 'redis://127.0.0.1:1', channel });
    buses.push(bus);
    const cache = new TieredCache({ l1: { maxBytes: 1 << 20 }, l2: await redisTier(), defaultTtlMs: 60_000, bus });
    caches.push(cache);
    await cache.set('k', 1);
    await expect(cache.delete('k')).resolves.toBeUndefined();
    await expect(cache.invalidatePrefix('')).resolves.toMatchObject({ complete: true });
    expect(bus.errors).toBeGreaterThan(0);
  });
});
