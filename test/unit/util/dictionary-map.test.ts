import { describe, expect, it } from 'vitest';
import { DictionaryMap } from '../../../main/util/dictionary-map.ts';

describe('DictionaryMap', () => {
  it('sets, gets, replaces and deletes, counting its entries', () => {
    const map = new DictionaryMap<string, number>();
    expect(map.set('a', 1).set('b', 2).set('a', 3)).toBe(map);
    expect(map.size).toBe(2);
    expect(map.get('a')).toBe(3);
    expect(map.has('b')).toBe(true);
    expect(map.delete('b')).toBe(true);
    expect(map.delete('b')).toBe(false);
    expect(map.has('b')).toBe(false);
    expect(map.get('b')).toBeUndefined();
    expect(map.size).toBe(1);
  });

  it('treats names Object.prototype owns as ordinary keys', () => {
    const map = new DictionaryMap<string, string>();
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(map.has(key)).toBe(false);
      expect(map.get(key)).toBeUndefined();
      map.set(key, `value of ${key}`);
    }
    expect(map.size).toBe(4);
    expect(map.get('__proto__')).toBe('value of __proto__');
    expect(map.values()).toContain('value of constructor');
    expect(map.delete('__proto__')).toBe(true);
    expect(map.has('__proto__')).toBe(false);
    expect(map.size).toBe(3);
  });

  it('holds an undefined value as an entry', () => {
    const map = new DictionaryMap<string, undefined>();
    map.set('k', undefined);
    expect(map.has('k')).toBe(true);
    expect(map.size).toBe(1);
    expect(map.delete('k')).toBe(true);
    expect(map.size).toBe(0);
  });

  it('takes numbers as keys, the same key as their decimal string', () => {
    const map = new DictionaryMap<number | string, string>();
    map.set(7, 'seven').set(4_294_967_296, 'past the array-index range');
    expect(map.get('7')).toBe('seven');
    expect(map.get(4_294_967_296)).toBe('past the array-index range');
    expect(map.keys().sort()).toEqual(['4294967296', '7']);
  });

  it('lists integer-like keys first, in ascending order, then the others as inserted', () => {
    const map = new DictionaryMap<string, number>();
    for (const key of ['b', '10', 'a', '2']) map.set(key, 0);
    expect(map.keys()).toEqual(['2', '10', 'b', 'a']);
  });

  it('survives many entries coming and going, and clear() empties it', () => {
    const map = new DictionaryMap<string, number>();
    for (let i = 0; i < 10_000; i++) {
      map.set(`k${i}`, i);
      if (i >= 3) expect(map.delete(`k${i - 3}`)).toBe(true);
    }
    expect(map.size).toBe(3);
    expect(map.values()).toEqual([9_997, 9_998, 9_999]);
    map.clear();
    expect(map.size).toBe(0);
    expect(map.keys()).toEqual([]);
    expect(map.get('k9999')).toBeUndefined();
  });
});
