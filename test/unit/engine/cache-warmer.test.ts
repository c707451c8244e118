import { describe, expect, it } from 'vitest';
import { TieredCache } from '../../../main/cache/tiered/tiered-cache.ts';
import { warmCache } from '../../../main/engine/cache-warmer.ts';
import type { CachedQueryRecipe } from '../../../main/engine/cached-query-recipes.ts';

const recipe = (id: number): CachedQueryRecipe => ({ template: 't', sql: 'SELECT $1', params: [id], ttlMs: 60_000 });
const keys = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, count: n - i, recipe: recipe(i) }));

describe('warmCache', () => {
  it('loads what is absent, skips what is cached, counts failures, never exceeds its concurrency, reports progress', async () => {
    const cache = new TieredCache({ l1: { maxBytes: 1 << 20 }, defaultTtlMs: 60_000 });
    await cache.set('k0', 'already');
    let inFlight = 0;
    let peak = 0;
    const progress: number[] = [];
    const result = await warmCache({
      cache,
      keys: keys(50),
      concurrency: 3,
      load: async (r) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        if (r.params[0] === 7) throw new Error('boom');
        return [{ id: r.params[0] }];
      },
      onProgress: (p) => progress.push(p.done),
    });
    expect(result).toMatchObject({ keys: 50, loaded: 48, alreadyCached: 1, failed: 1 });
    expect(peak).toBe(3);
    expect(progress.at(-1)).toBe(50);
    expect(await cache.get('k9')).toEqual([{ id: 9 }]);
  });

  it('stops taking keys once aborted', async () => {
    const cache = new TieredCache({ l1: { maxBytes: 1 << 20 }, defaultTtlMs: 60_000 });
    const abort = new AbortController();
    const result = await warmCache({
      cache,
      keys: keys(100),
      concurrency: 1,
      signal: abort.signal,
      load: async (r) => {
        if (r.params[0] === 9) abort.abort();
        return [];
      },
    });
    expect(result.loaded).toBe(10);
  });
});
