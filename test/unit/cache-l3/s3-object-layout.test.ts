import { describe, expect, it } from 'vitest';
import { decodeMeta, encodeMeta, ObjectLayout } from '../../../main/cache/l3/s3-object-layout.ts';

describe('S3 object layout', () => {
  const layout = new ObjectLayout('hotpath-cache/');

  it('names short keys by their hex, so a key prefix is a listing prefix', () => {
    const keys = ['user:1', 'user:10', 'username', 'über/ключ', '😀 x', '', 'a/../b'];
    for (const key of keys) {
      const name = layout.objectName(key)!;
      expect(name).toMatch(/^hotpath-cache\/k\/([0-9a-f]{2})*$/);
      expect(layout.keyOf(name)).toBe(key);
      for (const prefix of ['user:1', 'user', 'über/', '😀', '']) {
        expect(name.startsWith(layout.keyedListPrefix(prefix)!)).toBe(key.startsWith(prefix));
      }
    }
  });

  it('hashes keys too long for a keyed name, at the exact byte limit', () => {
    // (1024 - 14 bytes of tier prefix - 2 for 'k/') / 2 = 504 bytes of key
    expect(layout.objectName('x'.repeat(504))).toMatch(/^hotpath-cache\/k\//);
    expect(layout.objectName('x'.repeat(505))).toMatch(/^hotpath-cache\/h\/[0-9a-f]{64}$/);
    expect(Buffer.byteLength(layout.objectName('é'.repeat(252))!)).toBeLessThanOrEqual(1024);
    expect(layout.keyedListPrefix('x'.repeat(505))).toBeUndefined(); // only hashed objects can match
    expect(layout.keyOf(layout.objectName('x'.repeat(505))!)).toBeUndefined();
  });

  it('refuses keys that are not valid Unicode and tier prefixes that leave no room', () => {
    expect(layout.objectName('half \uD83D')).toBeUndefined();
    expect(layout.objectName('\uDE00 alone')).toBeUndefined();
    expect(layout.keyedListPrefix('a\uD83Db')).toBeUndefined(); // no valid key starts like this
    expect(layout.keyedListPrefix('a\uD83D')).toBe(layout.keyedListPrefix('a'));
    expect(() => new ObjectLayout('p'.repeat(513))).toThrow(RangeError);
  });

  it('round-trips metadata and reads anything else as not ours', () => {
    const meta = { key: 'über key/%', expiresAt: 1_700_000_000_000, compression: 'gzip' as const };
    expect(decodeMeta(encodeMeta(meta))).toEqual(meta);
    expect(decodeMeta(encodeMeta({ ...meta, expiresAt: Infinity }))).toMatchObject({ expiresAt: Infinity });
    expect(encodeMeta({ ...meta, key: 'k'.repeat(2000) })).toBeUndefined();
    const good = encodeMeta(meta)!;
    expect(decodeMeta(undefined)).toBeUndefined();
    expect(decodeMeta({})).toBeUndefined();
    expect(decodeMeta({ ...good, 'hotpath-compression': 'zstd' })).toBeUndefined();
    expect(decodeMeta({ ...good, 'hotpath-expires': 'soon' })).toBeUndefined();
    expect(decodeMeta({ ...good, 'hotpath-expires': '' })).toBeUndefined();
    expect(decodeMeta({ ...good, 'hotpath-key': '%E0%A4%A' })).toBeUndefined();
  });
});
