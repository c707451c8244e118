import { describe, expect, it } from 'vitest';
import { HotKeys } from '../../../main/cache/hot-keys.ts';
import { TieredCache } from '../../../main/cache/tiered/tiered-cache.ts';
import { CachedQueryRecipes, type CachedQueryRecipe } from '../../../main/engine/cached-query-recipes.ts';
import { CachedWorkloadTarget, templateCacheKey, type RowsTarget } from '../../../main/engine/cached-workload-target.ts';

/** Counts calls per template; answers one row echoing the parameters. */
class CountingTarget implements RowsTarget {
  calls = [0, 0];
  async execute(template: number, params: unknown[]) {
    return (await this.run(template, params)).timing;
  }
  async run(template: number, params: unknown[]) {
    this.calls[template]! += 1;
    return { rows: [{ params }], timing: { acquireUs: 5, serverUs: 100 } };
  }
}

const TEMPLATES = [
  { name: 'by_id', sql: 'SELECT * FROM t WHERE id = $1', ttlMs: 60_000 },
  { name: 'scan', sql: 'SELECT count(*) FROM t WHERE x > $1' },
];

function setup() {
  const inner = new CountingTarget();
  const cache = new TieredCache({ l1: { maxBytes: 1 << 20 }, defaultTtlMs: 1000 });
  const recipes = new CachedQueryRecipes();
  const hotKeys = new HotKeys<CachedQueryRecipe>(100, (key) => recipes.recipeOf(key));
  return { inner, cache, hotKeys, recipes, target: new CachedWorkloadTarget(inner, TEMPLATES, cache, hotKeys, 'db1', recipes) };
}

describe('CachedWorkloadTarget', () => {
  it('answers a cached template from the cache after the first call, with zero database time', async () => {
    const { inner, target, cache } = setup();
    expect(await target.execute(0, [42])).toEqual({ acquireUs: 5, serverUs: 100 });
    expect(await target.execute(0, [42])).toEqual({ acquireUs: 0, serverUs: 0 });
    expect(inner.calls[0]).toBe(1);
    expect(await cache.get(templateCacheKey('db1', TEMPLATES[0]!, [42]))).toEqual([{ params: [42] }]);
  });

  it('sends uncached templates to the database every time', async () => {
    const { inner, target } = setup();
    await target.execute(1, [1]);
    await target.execute(1, [1]);
    expect(inner.calls[1]).toBe(2);
  });

  it('records each cached request as a hot key with the recipe to load it again', async () => {
    const { target, hotKeys } = setup();
    for (let i = 0; i < 3; i += 1) await target.execute(0, [7]);
    await target.execute(0, [8]);
    await target.execute(1, [9]);
    expect(hotKeys.top(5).map((k) => [k.count, k.recipe.params])).toEqual([
      [3, [7]],
      [1, [8]],
    ]);
    expect(hotKeys.top(1)[0]!.recipe).toMatchObject({ template: 'by_id', sql: TEMPLATES[0]!.sql, ttlMs: 60_000 });
  });

  it('reads back parameters of every JSON kind from the key, a date as its ISO text', async () => {
    const { target, hotKeys } = setup();
    const at = new Date('2026-12-07T01:02:03.004Z');
    await target.execute(0, [-1.5, 'a "quoted", text', null, true, at]);
    expect(hotKeys.top(1)[0]!.recipe.params).toEqual([-1.5, 'a "quoted", text', null, true, '2026-12-07T01:02:03.004Z']);
  });

  it('has no recipe for a key no workload registered, or one whose parameters do not parse', () => {
    const { recipes } = setup();
    const prefix = templateCacheKey('db1', TEMPLATES[0]!, []).slice(0, -'[]'.length);
    expect(recipes.recipeOf(`${prefix}[1]`)?.params).toEqual([1]);
    expect(recipes.recipeOf(`${prefix}[1`)).toBeUndefined();
    expect(recipes.recipeOf(`${prefix}{"a":1}`)).toBeUndefined();
    expect(recipes.recipeOf('db2:by_id:000000000000:[1]')).toBeUndefined();
  });

  it('keys differ by database, template SQL and parameters', () => {
    const key = templateCacheKey('db1', TEMPLATES[0]!, [1]);
    expect(templateCacheKey('db2', TEMPLATES[0]!, [1])).not.toBe(key);
    expect(templateCacheKey('db1', { ...TEMPLATES[0]!, sql: 'SELECT 1 WHERE $1 = 1' }, [1])).not.toBe(key);
    expect(templateCacheKey('db1', TEMPLATES[0]!, ['1'])).not.toBe(key);
  });
});
