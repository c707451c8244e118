import { describe, expect, it } from 'vitest';
import { encodeValue } from '../../../main/cache/l2/codec.ts';
import { L1_ENTRY_OVERHEAD_BYTES } from '../../../main/cache/tiered/l1-record.ts';
import { TieredCache } from '../../../main/cache/tiered/tiered-cache.ts';
import { fakeClock } from './fakes.ts';

function l1Only() {
  const clock = fakeClock();
  const cache = new TieredCache({ l1: { maxBytes: 1 << 20 }, defaultTtlMs: 60_000, ttlJitter: 0, clock: clock.now });
  return { clock, cache };
}

describe('the L1 keeps encodings (l1-record.ts)', () => {
  it('counts an entry as its encoding, its key and the fixed overhead', async () => {
    const { cache, clock } = l1Only();
    const rows = [
      ['1', 'first', '2026-12-06T21:00:00.000Z'],
      ['2', 'second', null],
    ];
    await cache.set('template:42', rows);
    const encoded = encodeValue({ v: rows, f: clock.now() + 60_000, s: clock.now() + 60_000, n: 0 });
    expect(cache.stats().tiers.l1?.store.bytes).toBe(encoded.length + 'template:42'.length + L1_ENTRY_OVERHEAD_BYTES);
  });

  it('hands each hit its own copy of the value, so a caller that changes it changes nothing cached', async () => {
    const { cache } = l1Only();
    await cache.set('k', [['a', 'b']]);
    const first = (await cache.get('k')) as string[][];
    first[0]![0] = 'changed';
    first.push(['extra']);
    expect(await cache.get('k')).toEqual([['a', 'b']]);
    expect(cache.stats().tiers.l1).toMatchObject({ hits: 2, misses: 0 });
  });

  it('keeps what the codec round-trips: nulls, numbers, bigints, dates, nested objects', async () => {
    const { cache } = l1Only();
    const value = { n: null, i: 7, f: 1.5, big: 2n ** 70n, at: new Date('2026-12-06T00:00:00Z'), nested: { list: [1, 'two'] } };
    await cache.set('k', value);
    expect(await cache.get('k')).toEqual(value);
  });

  it('drops an entry whose encoding it cannot read and answers a miss', async () => {
    const { cache } = l1Only();
    await cache.set('k', 'v');
    const stackL1 = (cache as unknown as { stack: { l1: { set(key: string, value: string, options: object): boolean } } }).stack.l1;
    stackL1.set('k', '\u00ff\u0001', { size: 2, ttlMs: 60_000 });
    expect(await cache.get('k')).toBeUndefined();
    expect(cache.stats().tiers.l1).toMatchObject({ hits: 0, misses: 1 });
    expect(cache.stats().tiers.l1?.store.entries).toBe(0);
  });
});
