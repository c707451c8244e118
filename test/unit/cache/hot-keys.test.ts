import { describe, expect, it } from 'vitest';
import { HotKeys } from '../../../main/cache/hot-keys.ts';

describe('HotKeys', () => {
  it('ranks keys by how often they were asked for and keeps each recipe', () => {
    const hot = new HotKeys<number>(10);
    for (let i = 0; i < 5; i += 1) hot.record('a', () => 1);
    for (let i = 0; i < 3; i += 1) hot.record('b', () => 2);
    hot.record('c', () => 3);
    expect(hot.top(2).map((k) => [k.key, k.count, k.recipe])).toEqual([
      ['a', 5, 1],
      ['b', 3, 2],
    ]);
    expect(hot.size).toBe(3);
  });

  it('stays bounded, keeps the most counted keys across prunes, and lets old popularity fade', () => {
    const hot = new HotKeys<null>(100);
    for (let i = 0; i < 1000; i += 1) hot.record('old-favourite', () => null);
    for (let n = 0; n < 10_000; n += 1) hot.record(`once-${n}`, () => null);
    expect(hot.size).toBeLessThan(200);
    expect(hot.top(1)[0]!.key).toBe('old-favourite');
    // Each prune halved it; a key asked for steadily now overtakes it.
    for (let round = 0; round < 5; round += 1) {
      for (let i = 0; i < 60; i += 1) hot.record('new-favourite', () => null);
      for (let n = 0; n < 200; n += 1) hot.record(`filler-${round}-${n}`, () => null);
    }
    expect(hot.top(1)[0]!.key).toBe('new-favourite');
  });

  it('keeps exactly the capacity most counted keys at a prune, ties in the order they came, halving their counts', () => {
    const capacity = 50;
    const hot = new HotKeys<null>(capacity);
    const asked = new Map<string, number>();
    let seed = 7;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    // 99 distinct keys with counts drawn from few values (many ties), then the 100th key triggers the prune.
    for (let n = 0; n < 99; n += 1) {
      const times = 1 + Math.floor(random() * 4) * 3;
      asked.set(`k${n}`, times);
      for (let i = 0; i < times; i += 1) hot.record(`k${n}`, () => null);
    }
    asked.set('last', 1);
    hot.record('last', () => null);
    // The reference: a stable sort by count (Array.prototype.sort is stable: ties keep their first-seen order).
    const expected = [...asked].sort((a, b) => b[1] - a[1]).slice(0, capacity);
    expect(hot.size).toBe(capacity);
    expect(new Map(hot.top(capacity).map((k) => [k.key, k.count]))).toEqual(
      new Map(expected.map(([key, count]) => [key, Math.max(1, Math.floor(count / 2))])),
    );
  });

  it('rejects a capacity that is not a positive whole number', () => {
    expect(() => new HotKeys(0)).toThrow('capacity');
  });
});
