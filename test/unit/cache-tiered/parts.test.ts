import { describe, expect, it } from 'vitest';
import { encodeHeader, parseHeader } from '../../../main/cache/l3/folder-file-format.ts';
import { parseInvalidation } from '../../../main/cache/tiered/invalidation-bus.ts';
import { placeBySize, promotionTargets } from '../../../main/cache/tiered/placement.ts';
import type { PlacementPolicy, TierName } from '../../../main/cache/tiered/placement.ts';
import { SingleFlight } from '../../../main/cache/tiered/single-flight.ts';
import { deferred } from './fakes.ts';

const policy = (present: TierName[], overrides: Partial<PlacementPolicy> = {}): PlacementPolicy => ({
  largeValueBytes: 1000,
  largeTo: 'l2+l3',
  l1MaxEntryBytes: 500,
  present: new Set(present),
  ...overrides,
});

describe('placement by size', () => {
  it('small → L1+L2, large → L2+L3 or L3 only', () => {
    expect(placeBySize(100, policy(['l1', 'l2', 'l3']))).toEqual(['l1', 'l2']);
    expect(placeBySize(5000, policy(['l1', 'l2', 'l3']))).toEqual(['l2', 'l3']);
    expect(placeBySize(5000, policy(['l1', 'l2', 'l3'], { largeTo: 'l3' }))).toEqual(['l3']);
  });

  it('keeps a mid-size value (over the L1 entry limit, under "large") out of L1', () => {
    expect(placeBySize(800, policy(['l1', 'l2', 'l3']))).toEqual(['l2']);
  });

  it('falls back to a present tier when the preferred ones are absent', () => {
    expect(placeBySize(100, policy(['l3']))).toEqual(['l3']);
    expect(placeBySize(5000, policy(['l1', 'l2']))).toEqual(['l2']);
    expect(placeBySize(5000, policy(['l1']))).toEqual([]);
    expect(placeBySize(400, policy(['l1'], { largeValueBytes: 300 }))).toEqual(['l1']);
  });

  it('honours requested tiers but never L1 above its limit', () => {
    expect(placeBySize(5000, policy(['l1', 'l2', 'l3']), ['l1', 'l3'])).toEqual(['l3']);
    expect(placeBySize(10, policy(['l1', 'l2']), ['l3', 'l1'])).toEqual(['l1']);
  });

  it('promotes to the tiers above within their limits', () => {
    expect(promotionTargets('l3', 100, policy(['l1', 'l2', 'l3']))).toEqual(['l2', 'l1']);
    expect(promotionTargets('l2', 100, policy(['l1', 'l2']))).toEqual(['l1']);
    expect(promotionTargets('l3', 800, policy(['l1', 'l2', 'l3']))).toEqual(['l2']);
    expect(promotionTargets('l3', 5000, policy(['l1', 'l2', 'l3'], { largeTo: 'l3' }))).toEqual([]);
    expect(promotionTargets('l1', 10, policy(['l1', 'l2']))).toEqual([]);
  });
});

describe('SingleFlight', () => {
  it('shares a running call and starts afresh once it settled', async () => {
    const flight = new SingleFlight<number>();
    const gate = deferred<number>();
    let calls = 0;
    const first = flight.run('k', () => {
      calls += 1;
      return gate.promise;
    });
    const second = flight.run('k', async () => {
      calls += 1;
      return 2;
    });
    expect(flight.size).toBe(1);
    gate.resolve(1);
    expect(await first).toBe(1);
    expect(await second).toBe(1);
    expect(flight.size).toBe(0);
    expect(await flight.run('k', async () => 3)).toBe(3);
    expect(calls).toBe(1);
    expect(flight.joined).toBe(1);
  });
});

describe('invalidation messages', () => {
  it('accepts keys or prefix messages and rejects anything else', () => {
    expect(parseInvalidation('{"origin":"a","keys":["x","y"]}')).toEqual({ origin: 'a', keys: ['x', 'y'] });
    expect(parseInvalidation('{"origin":"a","prefix":"user:"}')).toEqual({ origin: 'a', prefix: 'user:' });
    for (const bad of ['not json', 'null', '{"keys":["x"]}', '{"origin":"a","keys":[1]}', '{"origin":"a"}']) {
      expect(parseInvalidation(bad)).toBeUndefined();
    }
  });
});

describe('folder-tier file header', () => {
  it('round-trips key, expiry and compression, and rejects foreign or truncated bytes', () => {
    const header = encodeHeader('clé:1', 1234.5, 'gzip');
    expect(parseHeader(Buffer.concat([header, Buffer.from([9, 9])]))).toEqual({
      compression: 'gzip',
      expiresAt: 1234.5,
      key: 'clé:1',
      payloadOffset: header.length,
    });
    expect(parseHeader(encodeHeader('k', Infinity, 'brotli'))).toMatchObject({ expiresAt: Infinity, compression: 'brotli' });
    expect(parseHeader(header.subarray(0, header.length - 1))).toEqual({ needBytes: header.length });
    expect(parseHeader(Buffer.from('not a cache file at all'))).toBeUndefined();
    expect(parseHeader(header.subarray(0, 10))).toBeUndefined();
  });
});
