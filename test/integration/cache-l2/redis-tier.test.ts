import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { RedisTier } from '../../../main/cache/l2/redis-tier.ts';
import type { RedisTierOptions } from '../../../main/cache/l2/redis-tier.ts';
import { waitFor } from '../../support/wait-for.ts';

// Against the system Redis: every test works under its own random prefix and removes it afterwards.
const url = inject('redisUrl');
let raw: Redis;
const tiers: RedisTier[] = [];

async function tier(options: Partial<RedisTierOptions> = {}): Promise<RedisTier> {
  const created = new RedisTier({
    target: { kind: 'standalone', url },
    keyPrefix: `hotpath-test:l2:${randomUUID()}:`,
    defaultTtlMs: 60_000,
    ...options,
  });
  tiers.push(created);
  expect(await created.ready(5_000)).toBe(true);
  return created;
}

beforeAll(() => {
  raw = new Redis(url);
});

afterEach(async () => {
  for (const t of tiers.splice(0)) {
    await t.deleteByPrefix('');
    await t.close();
  }
});

afterAll(async () => {
  await raw.quit();
});

describe('RedisTier against the system Redis', () => {
  it('sets and gets typed values, misses absent keys, and counts hits, misses and bytes', async () => {
    const t = await tier();
    const row = { id: 7, name: 'Ada', created: new Date('2026-01-02T03:04:05.678Z'), blob: Buffer.from([0, 255]), big: 2n ** 80n };
    await t.set('user:7', row);
    expect(await t.get('user:7')).toEqual(row);
    expect(await t.get('user:8')).toBeUndefined();
    await t.set('nothing', null);
    expect(await t.get('nothing')).toBeNull();
    const stats = t.stats();
    expect(stats).toMatchObject({ hits: 2, misses: 1, sets: 2, errors: 0, shortCircuited: 0, breakerState: 'closed' });
    expect(stats.bytesWritten).toBeGreaterThan(0);
    expect(stats.bytesRead).toBe(stats.bytesWritten);
    expect(stats.latency.count).toBe(5);
  });

  it('stores under the prefix with the format byte and a jittered PX TTL', async () => {
    const prefix = `hotpath-test:l2:${randomUUID()}:`;
    const t = await tier({ keyPrefix: prefix, ttlJitter: 0.1, random: () => 0 });
    await t.set('k', { a: 1 }, 100_000);
    const stored = await raw.getBuffer(`${prefix}k`);
    expect(stored?.[0]).toBe(0x01);
    const pttl = await raw.pttl(`${prefix}k`);
    // random() = 0 is the bottom of the ±10% band: 90 s, minus the moments since the SET.
    expect(pttl).toBeGreaterThan(80_000);
    expect(pttl).toBeLessThanOrEqual(90_000);
  });

  it('expires a key after its TTL', async () => {
    const t = await tier();
    await t.set('short', 'lived', 300);
    expect(await t.get('short')).toBe('lived');
    await waitFor('the key to expire', async () => ((await t.get('short')) === undefined ? true : undefined), 5_000);
    expect(t.stats().hits).toBeGreaterThanOrEqual(1);
  });

  it('deletes one key', async () => {
    const t = await tier();
    await t.set('a', 1);
    await t.set('b', 2);
    await t.delete('a');
    expect(await t.get('a')).toBeUndefined();
    expect(await t.get('b')).toBe(2);
    expect(t.stats().deletes).toBe(1);
  });

  it('a value in an unknown format is a miss, not an error', async () => {
    const prefix = `hotpath-test:l2:${randomUUID()}:`;
    const t = await tier({ keyPrefix: prefix });
    await raw.set(`${prefix}legacy`, Buffer.from([0x09, 0x01, 0x02]));
    await raw.set(`${prefix}text`, 'plain text');
    expect(await t.get('legacy')).toBeUndefined();
    expect(await t.get('text')).toBeUndefined();
    expect(t.stats()).toMatchObject({ misses: 2, decodeErrors: 2, errors: 0, breakerState: 'closed' });
  });

  it('deleteByPrefix removes every key under the prefix in batches, and nothing else', async () => {
    const prefix = `hotpath-test:l2:${randomUUID()}:`;
    const t = await tier({ keyPrefix: prefix, deleteBatchSize: 100 });
    await Promise.all(Array.from({ length: 1_200 }, (_, i) => t.set(`users:${i}`, i)));
    await Promise.all(Array.from({ length: 10 }, (_, i) => t.set(`orders:${i}`, i)));
    // Glob characters in a prefix are literal: "a*b:" must not match "aXb:".
    await t.set('a*b:1', 'star');
    await t.set('aXb:1', 'x');
    await raw.set(`${prefix.slice(0, -1)}-outside:users:1`, 'not ours');

    expect(await t.deleteByPrefix('users:')).toEqual({ deleted: 1_200, complete: true });
    expect(await t.get('users:0')).toBeUndefined();
    expect(await t.get('users:1199')).toBeUndefined();
    expect(await t.get('orders:9')).toBe(9);

    expect(await t.deleteByPrefix('a*b:')).toEqual({ deleted: 1, complete: true });
    expect(await t.get('aXb:1')).toBe('x');

    expect(await t.deleteByPrefix('')).toEqual({ deleted: 11, complete: true });
    expect(await raw.get(`${prefix.slice(0, -1)}-outside:users:1`)).toBe('not ours');
    await raw.del(`${prefix.slice(0, -1)}-outside:users:1`);
  });

  it('answers many concurrent gets issued in one tick, each with its own value', async () => {
    // A cold process can need longer than the default command timeout for its first burst of thousands of
    // calls (a timeout is a failure to the breaker): this test is about the answers, so give it room.
    const t = await tier({ connection: { commandTimeoutMs: 5_000 } });
    const n = 5_000;
    for (let from = 0; from < n; from += 500) {
      await Promise.all(Array.from({ length: 500 }, (_, i) => t.set(`p:${from + i}`, { i: from + i })));
    }
    const values = await Promise.all(Array.from({ length: n }, (_, i) => t.get(`p:${i}`)));
    expect(values.every((value, i) => (value as { i: number }).i === i)).toBe(true);
    expect(t.stats()).toMatchObject({ hits: n, misses: 0, errors: 0, breakerTransitions: 0 });
  });

  it('after close, calls resolve as misses and no-ops', async () => {
    const t = await tier();
    await t.set('k', 1);
    await t.deleteByPrefix('');
    await t.close();
    await expect(t.set('k', 2)).resolves.toBeUndefined();
    await expect(t.get('k')).resolves.toBeUndefined();
  });
});
