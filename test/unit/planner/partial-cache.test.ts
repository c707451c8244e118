import { describe, expect, it } from 'vitest';
import { PartialCache, compactIds, filterKey, neighbourhoodKey } from '../../../main/planner/partial-cache.ts';

const day = (d: number) => new Date(Date.UTC(2026, 0, d));

describe('partial cache keys', () => {
  it('normalises filters: list order and duplicates do not matter, absence differs from presence', () => {
    expect(filterKey({ origins: ['slack', 'email', 'slack'] })).toBe(filterKey({ origins: ['email', 'slack'] }));
    expect(filterKey({ kinds: ['code'], since: day(1) })).toBe(filterKey({ since: new Date(day(1).getTime()), kinds: ['code'] }));
    expect(filterKey({ origins: ['email'] })).not.toBe(filterKey({ kinds: ['email'] }));
    expect(filterKey({ since: day(1) })).not.toBe(filterKey({ until: day(1) }));
    expect(filterKey({})).not.toBe(filterKey({ origins: ['email'] }));
    expect(neighbourhoodKey({ chunkId: 5, depth: 1 })).not.toBe(neighbourhoodKey({ chunkId: 5, depth: 2 }));
  });

  it('cannot confuse values with separators, and answers each filters object for itself', () => {
    expect(filterKey({ origins: ['a', 'b'] })).not.toBe(filterKey({ origins: ['a1:b'] }));
    expect(filterKey({ origins: ['a|b'] })).not.toBe(filterKey({ origins: ['a'], kinds: ['b'] }));
    expect(filterKey({ origins: ['*'] })).not.toBe(filterKey({}));
    const a = { origins: ['email'] };
    const b = { origins: ['slack'] };
    const keys = [a, b, a, a, b].map(filterKey);
    expect(keys).toEqual([filterKey({ origins: ['email'] }), filterKey({ origins: ['slack'] }), keys[0], keys[0], keys[1]]);
    expect(keys[0]).not.toBe(keys[1]);
  });

  it('keys neighbourhoods by number, and ids too large for that by string, never colliding', () => {
    expect(typeof neighbourhoodKey({ chunkId: 123_456, depth: 3 })).toBe('number');
    expect(neighbourhoodKey({ chunkId: 1, depth: 3 })).not.toBe(neighbourhoodKey({ chunkId: 2, depth: 1 }));
    const huge = { chunkId: Number.MAX_SAFE_INTEGER, depth: 1 } as const;
    expect(typeof neighbourhoodKey(huge)).toBe('string');
    const cache = new PartialCache();
    cache.setNeighbourhood(huge, [9]);
    cache.setNeighbourhood({ chunkId: 4, depth: 1 }, [10]);
    expect(Array.from(cache.getNeighbourhood(huge)!)).toEqual([9]);
    expect(Array.from(cache.getNeighbourhood({ chunkId: 4, depth: 1 })!)).toEqual([10]);
  });

  it('stores ids compactly when they fit 32 bits', () => {
    expect(compactIds([1, 2, 3])).toBeInstanceOf(Int32Array);
    expect(compactIds([1, 2 ** 40])).toBeInstanceOf(Float64Array);
    expect(Array.from(compactIds([1, 2 ** 40]))).toEqual([1, 2 ** 40]);
  });
});

describe('PartialCache', () => {
  it('returns what was stored, by anchor and by filters, and counts hits and misses', () => {
    const cache = new PartialCache();
    const anchor = { chunkId: 7, depth: 2 } as const;
    expect(cache.hasNeighbourhood(anchor)).toBe(false);
    expect(cache.getNeighbourhood(anchor)).toBeUndefined();
    cache.setNeighbourhood(anchor, Float64Array.from([1, 2, 3]));
    expect(cache.hasNeighbourhood(anchor)).toBe(true);
    expect(Array.from(cache.getNeighbourhood(anchor)!)).toEqual([1, 2, 3]);
    expect(cache.getNeighbourhood({ chunkId: 7, depth: 1 })).toBeUndefined();

    cache.setFilterSet({ origins: ['b', 'a'] }, [10, 20]);
    expect(cache.hasFilterSet({ origins: ['a', 'b'] })).toBe(true);
    expect(Array.from(cache.getFilterSet({ origins: ['a', 'b'] })!)).toEqual([10, 20]);
    expect(cache.stats()).toMatchObject({ entries: 2, hits: 2, misses: 2 });
    expect(cache.stats().bytes).toBeGreaterThanOrEqual(3 * 4 + 2 * 4);
  });

  it('remembers exact sizes, also those recorded without caching the set', () => {
    const cache = new PartialCache();
    cache.setNeighbourhood({ chunkId: 1, depth: 1 }, [4, 5]);
    cache.recordNeighbourhoodSize({ chunkId: 2, depth: 3 }, 1234);
    cache.recordFilterSetSize({ kinds: ['code'] }, 99);
    expect(cache.knownNeighbourhoodSize({ chunkId: 1, depth: 1 })).toBe(2);
    expect(cache.knownNeighbourhoodSize({ chunkId: 2, depth: 3 })).toBe(1234);
    expect(cache.hasNeighbourhood({ chunkId: 2, depth: 3 })).toBe(false);
    expect(cache.knownFilterSetSize({ kinds: ['code'] })).toBe(99);
    expect(cache.knownFilterSetSize({ kinds: ['error'] })).toBeUndefined();
  });

  it('stays within its byte bound, evicting the least recently used', () => {
    const cache = new PartialCache({ maxBytes: 10_000 });
    for (let anchor = 1; anchor <= 20; anchor += 1) {
      cache.setNeighbourhood(
        { chunkId: anchor, depth: 1 },
        new Float64Array(500).map((_, i) => i),
      ); // 2,000 bytes as Int32
      expect(cache.stats().bytes).toBeLessThanOrEqual(10_000);
    }
    expect(cache.hasNeighbourhood({ chunkId: 1, depth: 1 })).toBe(false);
    expect(cache.hasNeighbourhood({ chunkId: 20, depth: 1 })).toBe(true);
    expect(cache.stats().entries).toBeLessThanOrEqual(5);
  });

  it('does not store a set larger than the whole bound, and keeps the rest', () => {
    const cache = new PartialCache({ maxBytes: 10_000 });
    cache.setFilterSet({ kinds: ['a'] }, [1, 2, 3]);
    cache.setFilterSet(
      { kinds: ['b'] },
      new Float64Array(5_000).map((_, i) => i),
    );
    expect(cache.hasFilterSet({ kinds: ['b'] })).toBe(false);
    expect(cache.hasFilterSet({ kinds: ['a'] })).toBe(true);
    expect(cache.knownFilterSetSize({ kinds: ['b'] })).toBe(5_000);
  });

  it('clears sets, sizes and counters', () => {
    const cache = new PartialCache();
    cache.setFilterSet({ kinds: ['a'] }, [1]);
    cache.getFilterSet({ kinds: ['a'] });
    cache.clear();
    expect(cache.stats()).toEqual({ entries: 0, bytes: 0, hits: 0, misses: 0 });
    expect(cache.knownFilterSetSize({ kinds: ['a'] })).toBeUndefined();
  });

  it('rejects a bound that is not a positive number of bytes', () => {
    expect(() => new PartialCache({ maxBytes: 0 })).toThrow(/maxBytes/);
  });
});
