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
    for (const shape of [1, 2, 3, 4, 5]) cache.set(shape, [null]);
    expect(cache.stats()).toEqual({ entries: 3, capacity: 3, hits: 0, misses: 0 });
    expect(cache.get(1)).toBeUndefined(); // evicted, least recently used
    expect(cache.get(5)).toEqual([null]);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 });
    cache.clear();
    expect(cache.stats()).toEqual({ entries: 0, capacity: 3, hits: 1, misses: 1 });
  });

  it('re-predicts the most recently used shapes with a new model, in their recency order, and drops the rest', () => {
    const cache = new PlanCache(10);
    for (const shape of [1, 2, 3, 4]) cache.set(shape, [{ mean: shape, spread: 0 }], [shape]);
    cache.set(5, [null]); // no feature vector kept: cannot be re-predicted
    cache.get(2); // most recent of the ones with a vector: 2, then 4, 3, 1
    const seen: number[] = [];
    cache.repredict((x) => {
      seen.push(x[0]!);
      return [{ mean: 10 * x[0]!, spread: 1 }];
    }, 3);
    expect(seen).toEqual([2, 4, 3]);
    expect(cache.stats().entries).toBe(3);
    expect(cache.get(2)).toEqual([{ mean: 20, spread: 1 }]);
    expect(cache.get(3)).toEqual([{ mean: 30, spread: 1 }]);
    expect(cache.get(1)).toBeUndefined();
    expect(cache.get(5)).toBeUndefined();
    // Recency survives re-prediction: in a cache of two, shape 1 read after it, a new shape evicts shape 2.
    const small = new PlanCache(2);
    small.set(1, [null], [1]);
    small.set(2, [null], [2]);
    small.repredict(() => [null]);
    small.get(1);
    small.set(3, [null], [3]);
    expect(small.get(2)).toBeUndefined();
    expect(small.get(1)).toEqual([null]);
  });

  it('serves queries of the same shape from one entry, and keeps it across a model change', async () => {
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

    // A new model re-predicts the cached shape when it is swapped in: the next query of that shape is a hit.
    await selector.retrain();
    const retrained = selector.status().planCache;
    expect(retrained.entries).toBe(1);
    selector.choose(a);
    expect(selector.status().planCache.hits - retrained.hits).toBe(1);
    expect(selector.status().planCache.misses - retrained.misses).toBe(0);

    // Many shapes: the cache stays within its capacity.
    const gen = queryGenerator(93);
    for (let i = 0; i < 2000; i++) selector.choose(gen());
    await settle();
    expect(selector.status().planCache.entries).toBeLessThanOrEqual(50);
    expect(selector.status().planCache.capacity).toBe(50);
  });
});
