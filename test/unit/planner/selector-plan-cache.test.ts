import { describe, expect, it } from 'vitest';
import { PlanCache, PLAN_CACHE_CAPACITY } from '../../../main/planner/plan-cache.ts';
import { PlanSelector } from '../../../main/planner/plan-selector.ts';
import { buildFeatures } from '../../../main/planner/query-features.ts';
import { seededRandom } from '../../../main/util/random.ts';
import { InThreadTrainer, noisyLatency, queryGenerator, settle, TEST_TRAIN_OPTIONS } from './fake-plan-world.ts';

describe('plan cache', () => {
  it('is an LRU bounded by its capacity, counting hits and misses', () => {
    const cache = new PlanCache(3);
    expect(new PlanCache().capacity).toBe(PLAN_CACHE_CAPACITY);
    for (const shape of ['a', 'b', 'c', 'd', 'e']) cache.set(shape, [null]);
    expect(cache.stats()).toEqual({ entries: 3, capacity: 3, hits: 0, misses: 0 });
    expect(cache.get('a')).toBeUndefined(); // evicted, least recently used
    expect(cache.get('e')).toEqual([null]);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 });
    cache.clear();
    expect(cache.stats()).toEqual({ entries: 0, capacity: 3, hits: 1, misses: 1 });
  });

  it('serves queries of the same shape from one entry, and is cleared when the model changes', async () => {
    const selector = new PlanSelector({
      trainer: new InThreadTrainer(),
      random: seededRandom(9),
      retrainEvery: 1e9,
      minObservations: 10,
      planCacheCapacity: 50,
      trainOptions: TEST_TRAIN_OPTIONS,
    });
    const next = queryGenerator(91);
    const measure = noisyLatency(seededRandom(92));
    for (let i = 0; i < 600; i++) {
      const f = next();
      const c = selector.choose(f);
      selector.observe(f, c.plan, measure(f, c.plan));
    }
    await selector.retrain();
    const before = selector.status().planCache;
    expect(before.entries).toBe(0);

    const base = { depth: 2, neighbourhood: 100, filterRows: 5000, rows: 100_000, neighbourhoodCached: false, filterSetCached: false };
    const a = buildFeatures({ ...base, k: 12 });
    const b = buildFeatures({ ...base, k: 20, neighbourhood: 110, filterRows: 5200 }); // same buckets
    expect(b.shape).toBe(a.shape);
    selector.choose(a);
    selector.choose(b);
    const after = selector.status().planCache;
    expect(after.entries).toBe(1);
    expect(after.misses - before.misses).toBe(1);
    expect(after.hits - before.hits).toBe(1);

    await selector.retrain();
    expect(selector.status().planCache.entries).toBe(0);

    // Many shapes: the cache stays within its capacity.
    const gen = queryGenerator(93);
    for (let i = 0; i < 2000; i++) selector.choose(gen());
    await settle();
    expect(selector.status().planCache.entries).toBeLessThanOrEqual(50);
    expect(selector.status().planCache.capacity).toBe(50);
  });
});
