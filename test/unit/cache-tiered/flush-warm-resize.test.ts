import { describe, expect, it } from 'vitest';
import { TieredCache } from '../../../main/cache/tiered/tiered-cache.ts';
import { deferred, fakeClock, FakeL2, FakeL3, MemoryBus } from './fakes.ts';

function stack(bus?: MemoryBus) {
  const clock = fakeClock();
  const l2 = new FakeL2(clock.now);
  const l3 = new FakeL3(clock.now);
  const cache = new TieredCache({
    l1: { maxBytes: 1 << 20 },
    l2,
    l3,
    defaultTtlMs: 10_000,
    ttlJitter: 0,
    clock: clock.now,
    ...(bus ? { bus } : {}),
  });
  return { clock, l2, l3, cache };
}

describe('TieredCache.flush', () => {
  it('empties only the tier asked for', async () => {
    const { cache, l2 } = stack();
    await cache.set('a', 1);
    await cache.set('b', 2);
    expect(await cache.flush('l1')).toEqual({ removed: { l1: 2 }, complete: true });
    expect(cache.stats().tiers.l1?.store.entries).toBe(0);
    expect(l2.store.size).toBe(2);
    // Still served, from L2, and promoted back to L1.
    expect(await cache.get('a')).toBe(1);
    expect(cache.stats().tiers.l1?.store.entries).toBe(1);
  });

  it("'all' empties every tier here and other instances' L1 through the bus", async () => {
    const bus = new MemoryBus();
    const here = stack(bus);
    const there = new TieredCache({
      l1: { maxBytes: 1 << 20 },
      l2: here.l2,
      defaultTtlMs: 10_000,
      ttlJitter: 0,
      bus,
      clock: here.clock.now,
    });
    await here.cache.set('k', 'v');
    expect(await there.get('k')).toBe('v'); // from the shared L2, now in there's L1 too
    expect(there.stats().tiers.l1?.store.entries).toBe(1);
    const result = await here.cache.flush('all');
    expect(result).toEqual({ removed: { l1: 1, l2: 1, l3: 0 }, complete: true });
    expect(there.stats().tiers.l1?.store.entries).toBe(0);
    expect(await there.get('k')).toBeUndefined();
  });

  it('a load running during a flush returns its value but does not store it (it may be older than the flush)', async () => {
    const { cache } = stack();
    const gate = deferred<string>();
    const started = deferred<void>();
    const loading = cache.getOrLoad('k', () => {
      started.resolve();
      return gate.promise;
    });
    await started.promise;
    await cache.flush('all');
    gate.resolve('old');
    expect(await loading).toBe('old');
    expect(await cache.get('k')).toBeUndefined();
  });
});

describe('TieredCache.warm', () => {
  it('loads an absent key once, finds a present one, and never counts as a request', async () => {
    const { cache } = stack();
    let calls = 0;
    const loader = async (): Promise<string> => {
      calls += 1;
      return 'v';
    };
    expect(await cache.warm('k', loader)).toBe('loaded');
    expect(await cache.warm('k', loader)).toBe('cached');
    expect(calls).toBe(1);
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 0, loads: 1 });
    expect(await cache.get('k')).toBe('v');
  });

  it('promotes from a lower tier instead of loading again', async () => {
    const { cache } = stack();
    await cache.set('k', 'v');
    await cache.flush('l1');
    let calls = 0;
    expect(await cache.warm('k', async () => ++calls)).toBe('cached');
    expect(calls).toBe(0);
    expect(cache.stats().tiers.l1?.store.entries).toBe(1);
  });

  it('shares a getOrLoad already running for the key', async () => {
    const { cache } = stack();
    const gate = deferred<string>();
    let calls = 0;
    const loader = (): Promise<string> => {
      calls += 1;
      return gate.promise;
    };
    const reading = cache.getOrLoad('k', loader);
    const warming = cache.warm('k', loader);
    gate.resolve('v');
    expect(await reading).toBe('v');
    expect(await warming).toBe('loaded');
    expect(calls).toBe(1);
  });
});

describe('TieredCache.resizeL1', () => {
  it('shrinking evicts down to the new budget and raises the per-entry ceiling no higher than it', async () => {
    const { cache } = stack();
    for (let i = 0; i < 200; i += 1) await cache.set(`k${i}`, 'x'.repeat(2000));
    const before = cache.stats().tiers.l1!.store;
    expect(before.bytes).toBeGreaterThan(100_000);
    cache.resizeL1(64 * 1024);
    const after = cache.stats().tiers.l1!.store;
    expect(after.maxBytes).toBe(64 * 1024);
    expect(after.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(after.entries).toBeLessThan(before.entries);
  });

  it('refuses without an L1', () => {
    const cache = new TieredCache({ l2: new FakeL2(Date.now), defaultTtlMs: 1000 });
    expect(() => cache.resizeL1(1 << 20)).toThrow('no L1');
  });
});
