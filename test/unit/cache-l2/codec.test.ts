import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue, FORMAT_MSGPACK_V1 } from '../../../main/cache/l2/codec.ts';
import { jitterTtl } from '../../../main/cache/l2/ttl-jitter.ts';

function roundTrip(value: unknown): unknown {
  const decoded = decodeValue(encodeValue(value));
  if (!decoded.ok) throw new Error(decoded.reason);
  return decoded.value;
}

describe('L2 codec', () => {
  it('starts every value with the format byte', () => {
    expect(encodeValue({ a: 1 })[0]).toBe(FORMAT_MSGPACK_V1);
  });

  it('round-trips objects and arrays, nested, with nulls and unicode', () => {
    const value = { id: 42, name: 'Zoë 🚀', tags: ['a', 'b'], nested: { deep: [1, { x: null }], ok: true }, empty: {}, list: [] };
    expect(roundTrip(value)).toEqual(value);
    expect(roundTrip([1, 'two', 3.5, false, null])).toEqual([1, 'two', 3.5, false, null]);
  });

  it('round-trips scalars at their edges', () => {
    for (const value of [
      0,
      -1,
      255,
      65_536,
      2 ** 32,
      -(2 ** 40),
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
      0.1,
      -1e300,
      '',
      'x'.repeat(70_000),
      true,
      null,
    ]) {
      expect(roundTrip(value)).toEqual(value);
    }
    expect(Number.isNaN(roundTrip(Number.NaN))).toBe(true);
  });

  it('round-trips Dates as Dates, to the millisecond', () => {
    const value = { at: new Date(Date.UTC(2026, 10, 27, 6, 47, 30, 123)), epoch: new Date(0), before: new Date(-86_400_000) };
    const out = roundTrip(value) as typeof value;
    expect(out.at).toBeInstanceOf(Date);
    expect(out.at.getTime()).toBe(value.at.getTime());
    expect(out.epoch.getTime()).toBe(0);
    expect(out.before.getTime()).toBe(-86_400_000);
  });

  it('round-trips Buffers as Buffers, byte for byte', () => {
    const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256));
    const out = roundTrip({ bytes }) as { bytes: Buffer };
    expect(Buffer.isBuffer(out.bytes)).toBe(true);
    expect(out.bytes.equals(bytes)).toBe(true);
  });

  it('round-trips bigints of any size, as bigints', () => {
    const value = { small: 5n, int64: -(2n ** 63n), huge: 2n ** 200n + 7n, negativeHuge: -(10n ** 40n) };
    expect(roundTrip(value)).toEqual(value);
  });

  it('is compact: smaller than the JSON of the same row', () => {
    const row = { id: 123_456, email: 'someone@example.com', score: 0.75, active: true, created: '2026-11-27' };
    expect(encodeValue(row).length).toBeLessThan(Buffer.byteLength(JSON.stringify(row)));
  });

  it('reads an unknown format byte as a failure, not a throw', () => {
    const bytes = encodeValue({ a: 1 });
    bytes[0] = 0x7f;
    const decoded = decodeValue(bytes);
    expect(decoded).toEqual({ ok: false, reason: 'unknown format byte 0x7f' });
  });

  it('reads empty, one-byte and truncated values as failures, not throws', () => {
    expect(decodeValue(Buffer.alloc(0)).ok).toBe(false);
    expect(decodeValue(Buffer.from([FORMAT_MSGPACK_V1])).ok).toBe(false);
    const truncated = encodeValue({ text: 'x'.repeat(100) }).subarray(0, 20);
    expect(decodeValue(truncated).ok).toBe(false);
  });

  it('reads a value some other writer left (plain text) as a failure', () => {
    expect(decodeValue(Buffer.from('{"json":true}')).ok).toBe(false);
  });
});

describe('TTL jitter', () => {
  it('spreads over exactly ±fraction at the random extremes', () => {
    expect(jitterTtl(10_000, 0.1, () => 0)).toBe(9_000);
    expect(jitterTtl(10_000, 0.1, () => 0.5)).toBe(10_000);
    expect(jitterTtl(10_000, 0.1, () => 0.999_999)).toBe(11_000);
  });

  it('is the TTL itself without jitter, and never below 1 ms', () => {
    expect(jitterTtl(1_234, 0, () => 0)).toBe(1_234);
    expect(jitterTtl(1, 0.5, () => 0)).toBe(1);
  });

  it('with Math.random stays inside the band and is not constant', () => {
    const ttls = Array.from({ length: 200 }, () => jitterTtl(60_000, 0.1));
    expect(Math.min(...ttls)).toBeGreaterThanOrEqual(54_000);
    expect(Math.max(...ttls)).toBeLessThanOrEqual(66_000);
    expect(new Set(ttls).size).toBeGreaterThan(1);
  });
});
