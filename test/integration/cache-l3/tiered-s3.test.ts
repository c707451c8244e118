import { randomBytes } from 'node:crypto';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { S3Tier } from '../../../main/cache/l3/s3-tier.ts';
import { TieredCache } from '../../../main/cache/tiered/tiered-cache.ts';
import { S3RVER_CREDENTIALS, startS3Server } from '../../support/s3-server.ts';
import type { S3TestServer } from '../../support/s3-server.ts';

// A TieredCache with L1 in memory and L3 in a real S3-compatible bucket (s3rver), no L2: two instances
// over one bucket stand for two processes sharing the object store.
let server: S3TestServer;
let bucket: string;
const tiers: S3Tier[] = [];
const caches: TieredCache[] = [];

beforeAll(async () => {
  server = await startS3Server();
  bucket = `hotpath-tiered-${randomBytes(3).toString('hex')}`;
  await server.createBucket(bucket);
});

afterEach(async () => {
  for (const cache of caches.splice(0)) await cache.close();
  const cleaner = tiers[0];
  if (cleaner) expect((await cleaner.deleteByPrefix('')).complete).toBe(true);
  for (const tier of tiers.splice(0)) await tier.close();
});

afterAll(async () => {
  await server.dispose();
});

function instance(): { cache: TieredCache; l3: S3Tier } {
  const l3 = new S3Tier({ bucket, endpoint: server.endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
  tiers.push(l3);
  // L1 takes entries up to 8 MiB, so a large value read from L3 is promoted into memory.
  const cache = new TieredCache({
    l1: { maxBytes: 32 << 20, maxEntryBytes: 8 << 20 },
    l3,
    defaultTtlMs: 60_000,
    largeValueBytes: 64 * 1024,
  });
  caches.push(cache);
  return { cache, l3 };
}

async function inBucket(l3: S3Tier, key: string): Promise<boolean> {
  try {
    await server.client().send(new HeadObjectCommand({ Bucket: bucket, Key: l3.objectNameFor(key) }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'NotFound') return false;
    throw error;
  }
}

describe('TieredCache with an S3 L3', () => {
  it('places a large value in the bucket only, and a reader promotes it from L3 into its L1', async () => {
    const writer = instance();
    const report = { rows: Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `row ${i}` })) };
    await writer.cache.set('report:2024', report);
    expect(await inBucket(writer.l3, 'report:2024')).toBe(true);
    expect(writer.cache.stats().tiers.l1?.store).toMatchObject({ entries: 0 }); // large: not written to memory

    const reader = instance();
    expect(await reader.cache.get('report:2024')).toEqual(report);
    expect(reader.cache.stats().tiers).toMatchObject({ l1: { misses: 1 }, l3: { hits: 1 } });
    expect(await reader.cache.get('report:2024')).toEqual(report); // now from memory
    expect(reader.cache.stats().tiers).toMatchObject({ l1: { hits: 1 }, l3: { hits: 1 } });
    expect(reader.l3.stats()).toMatchObject({ hits: 1, errors: 0 });
  });

  it('promotes a small value written to L3 only, and getOrLoad reads through the bucket instead of loading', async () => {
    const writer = instance();
    await writer.cache.set('user:1', { id: 1, name: 'Ada' }, { tiers: ['l3'] });
    const reader = instance();
    let loads = 0;
    const loader = async (): Promise<unknown> => {
      loads += 1;
      return { id: 1, name: 'loaded' };
    };
    expect(await reader.cache.getOrLoad('user:1', loader)).toEqual({ id: 1, name: 'Ada' });
    expect(await reader.cache.getOrLoad('user:1', loader)).toEqual({ id: 1, name: 'Ada' });
    expect(loads).toBe(0);
    expect(reader.cache.stats().tiers).toMatchObject({ l1: { hits: 1 }, l3: { hits: 1 } });
  });

  it('invalidatePrefix removes the matching objects from the bucket and leaves the rest', async () => {
    const { cache, l3 } = instance();
    const big = (n: number): string => `${n}:${'x'.repeat(100_000)}`;
    for (const key of ['tenant:7:a', 'tenant:7:b', 'tenant:8:a']) await cache.set(key, big(key.length));
    await cache.set('tenant:7:small', 'in memory and the bucket', { tiers: ['l1', 'l3'] });

    const result = await cache.invalidatePrefix('tenant:7:');
    expect(result).toMatchObject({ complete: true, l1Deleted: 1, l3Deleted: 3 });
    for (const key of ['tenant:7:a', 'tenant:7:b', 'tenant:7:small']) {
      expect(await inBucket(l3, key)).toBe(false);
      expect(await cache.get(key)).toBeUndefined();
    }
    expect(await inBucket(l3, 'tenant:8:a')).toBe(true);
    expect(await instance().cache.get('tenant:8:a')).toEqual(big('tenant:8:a'.length));
  });

  it('a stopped server costs misses and dropped writes, never a failed call', async () => {
    const own = await startS3Server();
    try {
      await own.createBucket('hotpath-outage');
      const l3 = new S3Tier({ bucket: 'hotpath-outage', endpoint: own.endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
      const cache = new TieredCache({ l1: { maxBytes: 1 << 20 }, l3, defaultTtlMs: 60_000, largeValueBytes: 1024 });
      await own.stop();
      await expect(cache.set('big', 'x'.repeat(10_000))).resolves.toBeUndefined();
      await expect(cache.get('big')).resolves.toBeUndefined();
      expect(await cache.getOrLoad('big', async () => 'loaded')).toBe('loaded');
      expect((await cache.invalidatePrefix('')).complete).toBe(false);
      expect(l3.stats().errors).toBeGreaterThan(0);
      await cache.close();
      await l3.close();
    } finally {
      await own.dispose();
    }
  });
});
