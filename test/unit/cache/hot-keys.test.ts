import { describe, expect, it } from 'vitest';
import { HotKeys } from '../../../main/cache/hot-keys.ts';

/** Park–Miller: a reproducible stream. */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 16807) % 2147483647) / 2147483647;
}

describe('HotKeys', () => {
  it('ranks keys by how often they were asked for, each with the recipe derived from its key', () => {
    const hot = new HotKeys<string>(1000, (key) => `load ${key}`);
    for (let i = 0; i < 5; i += 1) hot.record('a');
    for (let i = 0; i < 3; i += 1) hot.record('b');
    hot.record('c');
    expect(hot.top(2).map((k) => [k.key, k.count, k.recipe])).toEqual([
      ['a', 5, 'load a'],
      ['b', 3, 'load b'],
    ]);
    expect(hot.size).toBe(3);
  });

  it('leaves out keys that have no recipe any more, and still returns n keys when enough have one', () => {
    const hot = new HotKeys<string>(1000, (key) => (key.startsWith('gone:') ? undefined : key));
    for (let i = 0; i < 9; i += 1) hot.record('gone:x');
    for (let i = 0; i < 5; i += 1) hot.record('a');
    for (let i = 0; i < 3; i += 1) hot.record('b');
    hot.record('c');
    expect(hot.top(2).map((k) => k.key)).toEqual(['a', 'b']);
  });

  it('keeps counting past the halving of many epochs, and saturates instead of overflowing', () => {
    const hot = new HotKeys<null>(16, () => null);
    for (let i = 0; i < 5_000_000; i += 1) hot.record('busy');
    expect(hot.top(1)[0]!.count).toBe(2 ** 22 - 1);
    // 300 epochs of new keys: more than the 256 the entries' epoch field can tell apart; 'busy' stays on top.
    for (let e = 0; e < 300; e += 1) {
      hot.record('busy');
      for (let k = 0; k < 16; k += 1) hot.record(`e${e}-${k}`);
    }
    const [first] = hot.top(1);
    expect(first!.key).toBe('busy');
    expect(first!.count).toBeGreaterThanOrEqual(1);
    expect(first!.count).toBeLessThan(4);
  });

  it('stays bounded, keeps a popular key across prunes, and lets old popularity fade', () => {
    const hot = new HotKeys<null>(100, () => null);
    for (let i = 0; i < 1000; i += 1) hot.record('old-favourite');
    const round = (n: number): void => {
      for (let i = 0; i < 20; i += 1) hot.record('new-favourite');
      // 200 new keys: two epochs, each halving every count; and enough to make the shards prune.
      for (let k = 0; k < 200; k += 1) hot.record(`filler-${n}-${k}`);
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
    const hot = new HotKeys<null>(20_000, () => null);
    // Skewed popularity over 100,000 keys, the stream 15 times the table's capacity.
    for (let i = 0; i < 300_000; i += 1) {
      const key = `k${Math.floor(100_000 * next() ** 3)}`;
      asked.set(key, (asked.get(key) ?? 0) + 1);
      hot.record(key);
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

  it('keeps, of keys with equal counts at a prune, the one recorded first (as a stable sort would)', () => {
    // Capacity 1: one shard of share 1, pruned whenever it holds two keys; both counts decay to 1.
    const hot = new HotKeys<null>(1, () => null);
    hot.record('first');
    hot.record('second');
    expect(hot.size).toBe(1);
    expect(hot.top(1).map((k) => k.key)).toEqual(['first']);
    hot.record('third');
    expect(hot.top(1).map((k) => k.key)).toEqual(['first']);
  });

  it('rejects a capacity that is not a positive whole number', () => {
    expect(() => new HotKeys(0, () => null)).toThrow('capacity');
  });
});
