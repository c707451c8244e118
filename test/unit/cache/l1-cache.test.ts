import { describe, expect, it } from 'vitest';
import { L1Cache } from '../../../main/cache/l1/l1-cache.ts';
import { seededRandom } from '../../../main/util/random.ts';

function fakeClock(start = 1_000) {
  const clock = { now: start, read: () => clock.now };
  return clock;
}

describe('L1Cache: TTL against a fake clock', () => {
  it('expires lazily on access, per entry, and counts the expired read as a miss', () => {
    const clock = fakeClock();
    const cache = new L1Cache<string, string>({ maxBytes: 10_000, ttlMs: 1_000, clock: clock.read });
    cache.set('default', 'a');
    cache.set('long', 'b', { ttlMs: 5_000 });
    cache.set('forever', 'c', { ttlMs: Infinity });
    clock.now += 999;
    expect(cache.get('default')).toBe('a');
    clock.now += 1;
    expect(cache.has('default')).toBe(false);
    expect(cache.get('default')).toBeUndefined();
    expect(cache.get('long')).toBe('b');
    clock.now += 10_000;
    expect(cache.get('long')).toBeUndefined();
    expect(cache.get('forever')).toBe('c');
    const stats = cache.stats();
    expect(stats).toMatchObject({ hits: 3, misses: 2, expirations: 2, entries: 1 });
  });

  it('purgeExpired removes every expired entry at once and frees their bytes', () => {
    const clock = fakeClock();
    const cache = new L1Cache<number, number>({ maxBytes: 1_000, clock: clock.read });
    for (let i = 0; i < 10; i += 1) cache.set(i, i, { size: 10, ttlMs: i < 6 ? 100 : Infinity });
    clock.now += 100;
    expect(cache.purgeExpired()).toBe(6);
    expect(cache.stats()).toMatchObject({ entries: 4, bytes: 40, expirations: 6 });
    expect(cache.get(7)).toBe(7);
  });

  it('evicts expired entries before live ones when over the budget', () => {
    const clock = fakeClock();
    const cache = new L1Cache<number, number>({ maxBytes: 100, clock: clock.read, adaptive: false });
    for (let i = 0; i < 10; i += 1) cache.set(i, i, { size: 10, ttlMs: i < 3 ? 50 : Infinity });
    for (let n = 0; n < 5; n += 1) for (let i = 3; i < 10; i += 1) cache.get(i); // make the live ones popular
    clock.now += 50;
    cache.set(100, 100, { size: 10 });
    cache.set(101, 101, { size: 10 });
    cache.set(102, 102, { size: 10 });
    for (let i = 3; i < 10; i += 1) expect(cache.has(i)).toBe(true);
    expect(cache.stats().evictions).toBe(0);
    expect(cache.stats().expirations).toBe(3);
  });
});

describe('L1Cache: bytes', () => {
  it('never exceeds its byte budget under random sizes, TTLs, deletes and resizes', () => {
    const random = seededRandom(11);
    const clock = fakeClock();
    const cache = new L1Cache<number, number>({ maxBytes: 5_000, clock: clock.read });
    for (let i = 0; i < 50_000; i += 1) {
      const key = Math.floor(random() * 2_000);
      const action = random();
      if (action < 0.5) cache.get(key);
      else if (action < 0.95) cache.set(key, i, { size: 1 + Math.floor(random() * 400), ttlMs: random() < 0.3 ? 20 : Infinity });
      else if (action < 0.99) cache.delete(key);
      else cache.resize(1_000 + Math.floor(random() * 8_000));
      clock.now += 1;
      const stats = cache.stats();
      expect(stats.bytes).toBeLessThanOrEqual(stats.maxBytes);
    }
    const stats = cache.stats();
    expect(stats.entries).toBe(cache.size);
  });

  it('rejects an entry larger than the whole budget, and drops the old value of that key', () => {
    const cache = new L1Cache<string, string>({ maxBytes: 100 });
    expect(cache.set('k', 'small', { size: 10 })).toBe(true);
    expect(cache.set('k', 'huge', { size: 101 })).toBe(false);
    expect(cache.get('k')).toBeUndefined();
    expect(cache.stats().bytes).toBe(0);
  });

  it('replacing a value re-weighs it', () => {
    const cache = new L1Cache<string, string>({ maxBytes: 100 });
    cache.set('k', 'a', { size: 10 });
    cache.set('k', 'b', { size: 30 });
    expect(cache.get('k')).toBe('b');
    expect(cache.stats()).toMatchObject({ bytes: 30, entries: 1 });
  });

  it('estimates sizes when not told, larger values weighing more', () => {
    const cache = new L1Cache<string, unknown>({ maxBytes: 1_000_000 });
    cache.set('a', 'x');
    const small = cache.stats().bytes;
    cache.set('b', { text: 'x'.repeat(1_000), list: [1, 2, 3] });
    expect(cache.stats().bytes - small).toBeGreaterThan(2_000);
  });

  it('resize shrinks at once and keeps working at the new size', () => {
    const cache = new L1Cache<number, number>({ maxBytes: 1_000 });
    for (let i = 0; i < 100; i += 1) cache.set(i, i, { size: 10 });
    expect(cache.stats().bytes).toBe(1_000);
    cache.resize(300);
    expect(cache.stats()).toMatchObject({ bytes: 300, entries: 30, maxBytes: 300 });
    for (let i = 100; i < 200; i += 1) cache.set(i, i, { size: 10 });
    expect(cache.stats().bytes).toBeLessThanOrEqual(300);
    cache.resize(2_000);
    for (let i = 200; i < 400; i += 1) cache.set(i, i, { size: 10 });
    expect(cache.stats().bytes).toBe(2_000);
  });
});

describe('L1Cache: operations and stats', () => {
  it('delete and clear remove entries and their bytes', () => {
    const cache = new L1Cache<string, number>({ maxBytes: 1_000 });
    cache.set('a', 1, { size: 5 });
    cache.set('b', 2, { size: 7 });
    expect(cache.delete('a')).toBe(true);
    expect(cache.delete('a')).toBe(false);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ entries: 1, bytes: 7 });
    cache.clear();
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
    expect(cache.get('b')).toBeUndefined();
    cache.set('c', 3, { size: 5 }); // usable after clear
    expect(cache.get('c')).toBe(3);
  });

  it('counts hits, misses, hit rate and evictions consistently', () => {
    const cache = new L1Cache<number, number>({ maxBytes: 10, sizeOf: () => 1 });
    expect(cache.stats().hitRate).toBe(0);
    for (let i = 0; i < 30; i += 1) {
      if (cache.get(i % 15) === undefined) cache.set(i % 15, i);
    }
    const stats = cache.stats();
    expect(stats.hits + stats.misses).toBe(30);
    expect(stats.hitRate).toBeCloseTo(stats.hits / 30, 10);
    expect(stats.entries).toBe(10);
    expect(stats.bytes).toBe(10);
    expect(stats.evictions).toBe(stats.misses - stats.entries); // every miss was set; all beyond 10 evicted one
  });

  it('keeps frequently used keys through a scan of one-off keys (TinyLFU admission)', () => {
    const cache = new L1Cache<string, number>({ maxBytes: 100, sizeOf: () => 1, adaptive: false });
    for (let round = 0; round < 5; round += 1) {
      for (let i = 0; i < 50; i += 1) if (cache.get(`hot ${i}`) === undefined) cache.set(`hot ${i}`, i);
    }
    for (let i = 0; i < 10_000; i += 1) if (cache.get(`scan ${i}`) === undefined) cache.set(`scan ${i}`, i);
    let kept = 0;
    for (let i = 0; i < 50; i += 1) if (cache.has(`hot ${i}`)) kept += 1;
    expect(kept).toBeGreaterThanOrEqual(45);
  });
});

describe('L1Cache: set after its own miss (the map is not asked twice)', () => {
  it('stores once, then updates in place, whatever happens between the miss and the set', () => {
    const cache = new L1Cache<string, number>({ maxBytes: 100, sizeOf: () => 1 });
    expect(cache.get('a')).toBeUndefined();
    cache.set('a', 1);
    cache.set('a', 2); // an update, not a second insertion
    expect(cache.size).toBe(1);
    expect(cache.get('a')).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    cache.set('c', 3); // another insertion between b's miss and b's set
    cache.set('b', 4);
    cache.set('b', 5);
    expect(cache.size).toBe(3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([2, 5, 3]);
    expect(cache.get('d')).toBeUndefined();
    cache.delete('d');
    cache.set('d', 6);
    expect(cache.get('d')).toBe(6);
    expect(cache.stats()).toMatchObject({ entries: 4, bytes: 4 });
  });
});

describe('L1Cache: keys', () => {
  it('lists exactly the keys held: not the deleted, not the evicted', () => {
    const cache = new L1Cache<string, number>({ maxBytes: 20, sizeOf: () => 1 });
    for (let i = 0; i < 60; i += 1) cache.set(`k${i}`, i);
    cache.delete('k59');
    const listed = [...cache.keys()].sort();
    expect(listed.length).toBe(cache.size);
    expect(listed.length).toBeLessThanOrEqual(20);
    expect(listed).not.toContain('k59');
    for (const key of listed) expect(cache.has(key)).toBe(true);
    for (let i = 0; i < 60; i += 1) if (!listed.includes(`k${i}`)) expect(cache.has(`k${i}`)).toBe(false);
  });
});
