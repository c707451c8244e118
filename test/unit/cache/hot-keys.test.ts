import { describe, expect, it } from 'vitest';
import { HotKeys } from '../../../main/cache/hot-keys.ts';

/** Park–Miller: a reproducible stream. */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 16807) % 2147483647) / 2147483647;
}

describe('HotKeys', () => {
  it('ranks keys by how often they were asked for and keeps each recipe', () => {
    const hot = new HotKeys<number>(1000);
    for (let i = 0; i < 5; i += 1) hot.record('a', () => 1);
    for (let i = 0; i < 3; i += 1) hot.record('b', () => 2);
    hot.record('c', () => 3);
    expect(hot.top(2).map((k) => [k.key, k.count, k.recipe])).toEqual([
      ['a', 5, 1],
      ['b', 3, 2],
    ]);
    expect(hot.size).toBe(3);
  });

  it('stays bounded, keeps a popular key across prunes, and lets old popularity fade', () => {
    const hot = new HotKeys<null>(100);
    for (let i = 0; i < 1000; i += 1) hot.record('old-favourite', () => null);
    const round = (n: number): void => {
      for (let i = 0; i < 20; i += 1) hot.record('new-favourite', () => null);
      // 200 new keys: two epochs, each halving every count; and enough to make the shards prune.
      for (let k = 0; k < 200; k += 1) hot.record(`filler-${n}-${k}`, () => null);
    };
    round(0);
    expect(hot.top(2).map((k) => [k.key, k.count])).toEqual([
      ['old-favourite', 250],
      ['new-favourite', 5],
    ]);
    for (let n = 1; n < 10; n += 1) round(n);
    // Each of the 16 shards holds at most twice its share (7 keys) before it prunes.
    expect(hot.size).toBeLessThanOrEqual(2 * 16 * 7);
    expect(hot.top(1)[0]!.key).toBe('new-favourite');
  });

  it('finds the truly most asked-for keys of a skewed stream although each shard prunes on its own', () => {
    const next = random(42);
    const asked = new Map<string, number>();
    const hot = new HotKeys<null>(20_000);
    // Skewed popularity over 100,000 keys, the stream 15 times the table's capacity.
    for (let i = 0; i < 300_000; i += 1) {
      const key = `k${Math.floor(100_000 * next() ** 3)}`;
      asked.set(key, (asked.get(key) ?? 0) + 1);
      hot.record(key, () => null);
    }
    const truth = new Set(
      [...asked]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 100)
        .map(([key]) => key),
    );
    // One table pruned as a whole finds 94 of them on this stream; ranking at random would find about none.
    expect(hot.top(100).filter((k) => truth.has(k.key)).length).toBeGreaterThanOrEqual(90);
  });

  it('rejects a capacity that is not a positive whole number', () => {
    expect(() => new HotKeys(0)).toThrow('capacity');
  });
});
