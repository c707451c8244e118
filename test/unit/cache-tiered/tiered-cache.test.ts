import { describe, expect, it } from 'vitest';
import { decodeValue } from '../../../main/cache/l2/codec.ts';
import { TieredCache } from '../../../main/cache/tiered/tiered-cache.ts';
import type { TieredCacheOptions } from '../../../main/cache/tiered/tiered-cache.ts';
import { fakeClock, FakeL2, FakeL3, MemoryBus } from './fakes.ts';

function stack(overrides: Partial<TieredCacheOptions> = {}) {
  const clock = fakeClock();
  const l2 = new FakeL2(clock.now);
  const l3 = new FakeL3(clock.now);
  const cache = new TieredCache({
    l1: { maxBytes: 1 << 20 },
    l2,
    l3,
    defaultTtlMs: 60_000,
    ttlJitter: 0,
    clock: clock.now,
    largeValueBytes: 1024,
    ...overrides,
  });
  return { clock, l2, l3, cache };
}

const big = (bytes: number): string => 'x'.repeat(bytes);

describe('TieredCache reads and promotion', () => {
  it('answers from L1 without touching L2 or L3', async () => {
    const { cache, l2, l3 } = stack();
    await cache.set('k', { a: 1 });
    expect(await cache.get('k')).toEqual({ a: 1 });
    expect(l2.gets + l3.gets).toBe(0);
    expect(cache.stats().tiers.l1).toMatchObject({ hits: 1, misses: 0 });
  });

  it('promotes an L2 hit into L1, keeping the original deadline', async () => {
    const { cache, l2, clock } = stack();
    await cache.set('k', 'v');
    // A second instance over the same L2: its L1 starts empty.
    const other = new TieredCache({ l1: { maxBytes: 1 << 20 }, l2, defaultTtlMs: 60_000, ttlJitter: 0, clock: clock.now });
    clock.advance(10_000);
    expect(await other.get('k')).toBe('v');
    expect(other.stats().tiers.l2).toMatchObject({ hits: 1 });
    const gets = l2.gets;
    expect(await other.get('k')).toBe('v');
    expect(l2.gets).toBe(gets); // now from L1
    clock.advance(50_000); // 60 s after the set: expired in L1 too, not refreshed by the promotion
    expect(await other.get('k')).toBeUndefined();
  });

  it('promotes an L3 hit into L2 and L1 with the remaining life', async () => {
    const { cache, l2, l3, clock } = stack();
    await cache.set('k', { n: 7 }, { tiers: ['l3'] });
    expect(l2.store.has('k')).toBe(false);
    clock.advance(20_000);
    expect(await cache.get('k')).toEqual({ n: 7 });
    expect(l2.ttls.get('k')).toBe(40_000);
    expect(cache.stats().tiers).toMatchObject({ l1: { misses: 1 }, l2: { misses: 1 }, l3: { hits: 1 } });
    const l3Gets = l3.gets;
    expect(await cache.get('k')).toEqual({ n: 7 });
    expect(l3.gets).toBe(l3Gets);
    expect(cache.stats().tiers.l1).toMatchObject({ hits: 1 });
  });

  it('reads a failing tier as a miss and goes on to the next', async () => {
    const { cache, l2 } = stack();
    await cache.set('big', { body: 'large', pad: big(5000) }); // L2 + L3
    l2.failing = true;
    expect(await cache.get('big')).toMatchObject({ body: 'large' });
    expect(cache.stats().tiers).toMatchObject({ l2: { misses: 1 }, l3: { hits: 1 } });
    await expect(cache.set('other', 1)).resolves.toBeUndefined(); // the failing L2 write is dropped, not thrown
  });

  it('caps the life of an entry in L1 at l1.maxTtlMs and then reads it from L2 again', async () => {
    const { cache, l2, clock } = stack({ l1: { maxBytes: 1 << 20, maxTtlMs: 1_000 } });
    await cache.set('k', 'v');
    clock.advance(1_000);
    const gets = l2.gets;
    expect(await cache.get('k')).toBe('v');
    expect(l2.gets).toBe(gets + 1);
    expect(cache.stats().tiers).toMatchObject({ l1: { misses: 1 }, l2: { hits: 1 } });
  });

  it('works with L1 alone, and with no tiers at all (everything misses)', async () => {
    const clock = fakeClock();
    const onlyL1 = new TieredCache({ l1: { maxBytes: 1 << 20 }, defaultTtlMs: 1000, clock: clock.now });
    await onlyL1.set('k', 1);
    expect(await onlyL1.get('k')).toBe(1);
    const none = new TieredCache({ defaultTtlMs: 1000 });
    await none.set('k', 1);
    expect(await none.get('k')).toBeUndefined();
    expect(none.stats().tiers).toEqual({});
  });
});

describe('TieredCache placement by size', () => {
  it('puts small values in L1 and L2, not L3', async () => {
    const { cache, l2, l3 } = stack();
    await cache.set('small', 'v');
    expect(l2.store.has('small')).toBe(true);
    expect(l3.store.has('small')).toBe(false);
    expect(cache.stats().tiers.l1?.store.entries).toBe(1);
  });

  it('puts large values in L2 and L3, never L1; L3 holds the codec bytes of the entry', async () => {
    const { cache, l2, l3 } = stack();
    await cache.set('large', big(5000));
    expect(l2.store.has('large')).toBe(true);
    const stored = l3.store.get('large');
    expect(stored).toBeDefined();
    const decoded = decodeValue(stored!.value);
    expect(decoded.ok && (decoded.value as { v: string }).v).toBe(big(5000));
    expect(cache.stats().tiers.l1?.store.entries).toBe(0);
  });

  it("sends large values to L3 only when largeTo is 'l3', and does not promote them into L2", async () => {
    const { cache, l2, l3 } = stack({ largeTo: 'l3' });
    await cache.set('large', big(5000));
    expect(l2.store.has('large')).toBe(false);
    expect(l3.store.has('large')).toBe(true);
    expect(await cache.get('large')).toBe(big(5000));
    expect(l2.store.has('large')).toBe(false);
    expect(cache.stats().tiers.l1?.store.entries).toBe(0);
  });

  it('refuses L1 above its per-entry limit even when asked for it', async () => {
    const { cache, l2 } = stack({ l1: { maxBytes: 1 << 20, maxEntryBytes: 100 } });
    await cache.set('mid', big(500), { tiers: ['l1', 'l2'] });
    expect(cache.stats().tiers.l1?.store.entries).toBe(0);
    expect(l2.store.has('mid')).toBe(true);
    expect(await cache.get('mid')).toBe(big(500)); // from L2, and not promoted into L1
    expect(cache.stats().tiers.l1?.store.entries).toBe(0);
  });
});

describe('TieredCache TTL jitter', () => {
  it('spreads the fresh TTL within ±10% and reaches both ends of the band', async () => {
    const randoms = [0, 1, 0.5];
    const { cache, l2 } = stack({ ttlJitter: 0.1, random: () => randoms.shift() ?? 0.5 });
    await cache.set('low', 1, { ttlMs: 100_000 });
    await cache.set('high', 1, { ttlMs: 100_000 });
    await cache.set('mid', 1, { ttlMs: 100_000 });
    expect(l2.ttls.get('low')).toBe(90_000);
    expect(l2.ttls.get('high')).toBe(110_000);
    expect(l2.ttls.get('mid')).toBe(100_000);
  });

  it('never leaves the band with Math.random', async () => {
    const { cache, l2 } = stack({ ttlJitter: 0.1 });
    for (let i = 0; i < 200; i++) await cache.set(`k${i}`, i, { ttlMs: 10_000 });
    for (const ttl of l2.ttls.values()) {
      expect(ttl).toBeGreaterThanOrEqual(9_000);
      expect(ttl).toBeLessThanOrEqual(11_000);
    }
    expect(new Set(l2.ttls.values()).size).toBeGreaterThan(1);
  });

  it('rejects a jitter outside [0, 1) and a TTL that is not positive', () => {
    expect(() => new TieredCache({ defaultTtlMs: 1000, ttlJitter: 1 })).toThrow(RangeError);
    expect(() => new TieredCache({ defaultTtlMs: 0 })).toThrow(RangeError);
  });
});

describe('TieredCache invalidation', () => {
  it('delete removes the key from every tier', async () => {
    const { cache, l2, l3 } = stack();
    await cache.set('a', 1, { tiers: ['l1', 'l2', 'l3'] });
    await cache.delete('a');
    expect(l2.store.has('a') || l3.store.has('a')).toBe(false);
    expect(await cache.get('a')).toBeUndefined();
  });

  it('invalidatePrefix removes matching keys from every tier and keeps the rest', async () => {
    const { cache, l2, l3 } = stack();
    for (const key of ['user:1', 'user:2', 'order:1']) await cache.set(key, key, { tiers: ['l1', 'l2', 'l3'] });
    const result = await cache.invalidatePrefix('user:');
    expect(result).toEqual({ complete: true, l1Deleted: 2, l2Deleted: 2, l3Deleted: 2 });
    expect(await cache.get('user:1')).toBeUndefined();
    expect(await cache.get('order:1')).toBe('order:1');
    expect([...l2.store.keys(), ...l3.store.keys()]).toEqual(['order:1', 'order:1']);
  });

  it("drops keys and prefixes from other instances' L1 through the bus, ignoring its own messages", async () => {
    const clock = fakeClock();
    const bus = new MemoryBus();
    const a = new TieredCache({ l1: { maxBytes: 1 << 20 }, bus, defaultTtlMs: 60_000, clock: clock.now, instanceId: 'a' });
    const b = new TieredCache({ l1: { maxBytes: 1 << 20 }, bus, defaultTtlMs: 60_000, clock: clock.now, instanceId: 'b' });
    await b.set('k', 'b-value');
    await b.set('p:1', 1);
    await b.set('p:2', 2);
    await a.set('mine', 'a'); // B drops 'mine' (absent): harmless
    expect(await b.get('k')).toBe('b-value');
    await a.delete('k');
    expect(await b.get('k')).toBeUndefined();
    await a.invalidatePrefix('p:');
    expect(await b.get('p:1')).toBeUndefined();
    expect(await b.get('p:2')).toBeUndefined();
    expect(await a.get('mine')).toBe('a'); // a's own set message did not drop its own entry
    expect(b.stats().busInvalidationsApplied).toBe(3);
    await a.close();
    await b.close();
  });

  it("a flush of everything empties every other instance's L1 with one message; a flush of L1 stays here; nobody echoes", async () => {
    const bus = new MemoryBus();
    const [a, b, c] = ['a', 'b', 'c'].map(
      (id) => new TieredCache({ l1: { maxBytes: 1 << 20 }, bus, defaultTtlMs: 60_000, instanceId: id }),
    );
    await b!.set('x', 1);
    await c!.set('y', 2);
    await Promise.all([a!.idle(), b!.idle(), c!.idle()]);
    const sent = bus.sent.length;
    await a!.flush('l1');
    await a!.idle();
    expect(bus.sent.length).toBe(sent); // this process' memory only
    expect(await b!.get('x')).toBe(1);
    await a!.flush('all');
    await Promise.all([a!.idle(), b!.idle(), c!.idle()]);
    // One message, applied by B and C, published again by neither.
    expect(bus.sent.slice(sent)).toEqual([{ origin: 'a', prefix: '' }]);
    expect(await b!.get('x')).toBeUndefined();
    expect(await c!.get('y')).toBeUndefined();
    expect([b!.stats().busInvalidationsApplied, c!.stats().busInvalidationsApplied]).toEqual([2, 2]);
  });

  it('a failing bus never fails a call', async () => {
    const bus = new MemoryBus();
    bus.failing = true;
    const cache = new TieredCache({ l1: { maxBytes: 1 << 20 }, bus, defaultTtlMs: 60_000 });
    await cache.set('k', 1);
    await expect(cache.delete('k')).resolves.toBeUndefined();
    await expect(cache.invalidatePrefix('')).resolves.toMatchObject({ complete: true });
  });
});

describe('TieredCache stats', () => {
  it('counts hits, misses and hit rates per tier and overall', async () => {
    const { cache } = stack();
    await cache.set('k', 1);
    await cache.get('k'); // L1 hit
    await cache.get('absent'); // miss in every tier
    const stats = cache.stats();
    expect(stats).toMatchObject({ hits: 1, misses: 1, staleHits: 0, hitRate: 0.5 });
    expect(stats.tiers.l1).toMatchObject({ hits: 1, misses: 1, hitRate: 0.5 });
    expect(stats.tiers.l2).toMatchObject({ hits: 0, misses: 1, hitRate: 0 });
    expect(stats.tiers.l3).toMatchObject({ hits: 0, misses: 1 });
    expect(stats.tiers.l1?.store).toMatchObject({ entries: 1 });
  });
});
