import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { S3Tier } from '../../../main/cache/l3/s3-tier.ts';
import type { S3TierOptions } from '../../../main/cache/l3/s3-tier.ts';
import { S3RVER_CREDENTIALS, startS3Server } from '../../support/s3-server.ts';
import type { S3TestServer } from '../../support/s3-server.ts';

// Against a real S3-compatible server (s3rver), a fresh bucket per test.
let server: S3TestServer;
let bucketCount = 0;
const tiers: S3Tier[] = [];

beforeAll(async () => {
  server = await startS3Server();
});

afterEach(async () => {
  await Promise.all(tiers.splice(0).map((tier) => tier.close()));
});

afterAll(async () => {
  await server.dispose();
});

async function freshBucket(on: S3TestServer = server): Promise<string> {
  bucketCount += 1;
  const bucket = `hotpath-test-${bucketCount}-${randomBytes(3).toString('hex')}`;
  await on.createBucket(bucket);
  return bucket;
}

function tierFor(bucket: string, options: Partial<S3TierOptions> = {}, on: S3TestServer = server): S3Tier {
  const tier = new S3Tier({ bucket, endpoint: on.endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS, ...options });
  tiers.push(tier);
  return tier;
}

async function newTier(options: Partial<S3TierOptions> = {}): Promise<S3Tier> {
  return tierFor(await freshBucket(), options);
}

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
}

async function exists(bucket: string, name: string): Promise<boolean> {
  try {
    await server.client().send(new HeadObjectCommand({ Bucket: bucket, Key: name }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'NotFound') return false;
    throw error;
  }
}

async function objectCount(bucket: string): Promise<number> {
  const page = await server.client().send(new ListObjectsV2Command({ Bucket: bucket }));
  return page.KeyCount ?? 0;
}

describe('S3Tier on a real S3-compatible server', () => {
  it('round-trips small and multi-megabyte values, compressed in the bucket, metadata describing them', async () => {
    const bucket = await freshBucket();
    const compressible = Buffer.from('hotpath report row; '.repeat(250_000)); // 5 MB
    const random = randomBytes(3 * 1024 * 1024);
    for (const compression of ['brotli', 'gzip'] as const) {
      const tier = tierFor(bucket, { compression, prefix: `${compression}/` });
      await tier.set('small', Buffer.from('v'), 60_000);
      await tier.set('report:compressible', compressible, 60_000);
      await tier.set('report:random', random, 60_000);
      expect(await tier.get('small')).toEqual(Buffer.from('v'));
      expect((await tier.get('report:compressible'))?.equals(compressible)).toBe(true);
      expect((await tier.get('report:random'))?.equals(random)).toBe(true);
      const head = await server.client().send(new HeadObjectCommand({ Bucket: bucket, Key: tier.objectNameFor('report:compressible') }));
      expect(head.ContentLength).toBeLessThan(compressible.length / 10);
      expect(head.Metadata).toMatchObject({ 'hotpath-key': 'report%3Acompressible', 'hotpath-compression': compression });
      expect(tier.stats()).toMatchObject({ hits: 3, misses: 0, sets: 3, errors: 0 });
    }
    // Objects written with one compression stay readable by a tier configured for the other.
    expect((await tierFor(bucket, { compression: 'brotli', prefix: 'gzip/' }).get('report:random'))?.equals(random)).toBe(true);
  });

  it('misses an absent key without counting an error, and keeps a value with no expiry', async () => {
    const tier = await newTier();
    expect(await tier.get('nope')).toBeUndefined();
    await tier.set('forever', Buffer.from('v'), Infinity);
    expect(await tier.get('forever')).toEqual(Buffer.from('v'));
    expect(tier.stats()).toMatchObject({ hits: 1, misses: 1, sets: 1, errors: 0, hitRate: 0.5 });
  });

  it('treats an expired object as a miss and deletes it in the background', async () => {
    const time = clock();
    const bucket = await freshBucket();
    const tier = tierFor(bucket, { clock: time.now });
    await tier.set('k', Buffer.from('v'), 1000);
    time.advance(999);
    expect(await tier.get('k')).toEqual(Buffer.from('v'));
    time.advance(1);
    expect(await tier.get('k')).toBeUndefined();
    await tier.idle();
    expect(await exists(bucket, tier.objectNameFor('k')!)).toBe(false);
    expect(tier.stats()).toMatchObject({ expired: 1, hits: 1, misses: 1 });
  });

  it('deletes one key, and by prefix', async () => {
    const bucket = await freshBucket();
    const tier = tierFor(bucket);
    for (const key of ['user:1', 'user:2', 'username', 'order:1', 'order:2']) await tier.set(key, Buffer.from(key), 60_000);
    await tier.delete('order:2');
    expect(await tier.get('order:2')).toBeUndefined();
    expect(await tier.deleteByPrefix('user:')).toEqual({ deleted: 2, complete: true });
    expect(await tier.get('user:1')).toBeUndefined();
    expect(await tier.get('username')).toEqual(Buffer.from('username'));
    expect(await tier.deleteByPrefix('nothing-here:')).toEqual({ deleted: 0, complete: true });
    await server.client().send(new PutObjectCommand({ Bucket: bucket, Key: 'hotpath-cache/stray', Body: 'not ours' }));
    await server.client().send(new PutObjectCommand({ Bucket: bucket, Key: 'elsewhere/keep', Body: 'outside the tier' }));
    // '' empties the tier prefix (username, order:1 and the stray object) and nothing outside it.
    expect(await tier.deleteByPrefix('')).toEqual({ deleted: 3, complete: true });
    expect(await objectCount(bucket)).toBe(1);
  });

  it('pages through listings: a prefix delete of hundreds of objects with 50 per page', async () => {
    const bucket = await freshBucket();
    const tier = tierFor(bucket, { listPageSize: 50 });
    const keys = [...Array.from({ length: 160 }, (_, i) => `page:a:${i}`), ...Array.from({ length: 60 }, (_, i) => `page:b:${i}`)];
    for (let start = 0; start < keys.length; start += 25) {
      await Promise.all(keys.slice(start, start + 25).map((key) => tier.set(key, Buffer.from(key), 60_000)));
    }
    expect(tier.stats().sets).toBe(220);
    expect(await tier.deleteByPrefix('page:a:')).toEqual({ deleted: 160, complete: true });
    expect(await tier.get('page:a:159')).toBeUndefined();
    expect(await tier.get('page:b:59')).toEqual(Buffer.from('page:b:59'));
    expect(await tier.deleteByPrefix('')).toEqual({ deleted: 60, complete: true });
    expect(await objectCount(bucket)).toBe(0);
  });

  it('stores keys with spaces, Unicode, slashes and dots safely, and matches prefixes on whole characters', async () => {
    const tier = await newTier();
    const keys = ['a b/c d', 'über/ключ/😀', '../../etc/passwd', '', '%2F?#&=', 'nul\u0000byte', 'emoji:😀', 'emoji:a'];
    for (const key of keys) await tier.set(key, Buffer.from(`value of ${key}`), 60_000);
    for (const key of keys) expect(await tier.get(key)).toEqual(Buffer.from(`value of ${key}`));
    expect(tier.objectNameFor('../../etc/passwd')).toMatch(/^hotpath-cache\/k\/[0-9a-f]+$/);
    expect(await tier.deleteByPrefix('über/')).toEqual({ deleted: 1, complete: true });
    // A prefix ending in half a surrogate pair matches the keys whose next character starts with it.
    expect(await tier.deleteByPrefix('emoji:\uD83D')).toEqual({ deleted: 1, complete: true });
    expect(await tier.get('emoji:a')).toEqual(Buffer.from('value of emoji:a'));
    expect(tier.stats().errors).toBe(0);
  });

  it('stores long keys under a hash, finds them by prefix through their metadata, and refuses keys too long for metadata', async () => {
    const time = clock();
    const bucket = await freshBucket();
    const tier = tierFor(bucket, { clock: time.now });
    const long = (prefix: string): string => `${prefix}${'x'.repeat(700)}`;
    await tier.set(long('doc:1:'), Buffer.from('one'), 60_000);
    await tier.set(long('doc:2:'), Buffer.from('two'), 60_000);
    await tier.set(long('other:'), Buffer.from('other'), 60_000);
    await tier.set(long('old:'), Buffer.from('old'), 10);
    expect(tier.objectNameFor(long('doc:1:'))).toMatch(/^hotpath-cache\/h\/[0-9a-f]{64}$/);
    expect(await tier.get(long('doc:1:'))).toEqual(Buffer.from('one'));
    time.advance(10);
    expect(await tier.deleteByPrefix('doc:')).toEqual({ deleted: 2, complete: true });
    expect(tier.stats().expired).toBe(1); // old: met on the way, past its expiry
    expect(await tier.get(long('other:'))).toEqual(Buffer.from('other'));
    expect(await objectCount(bucket)).toBe(1);

    await expect(tier.set('k'.repeat(3000), Buffer.from('v'), 60_000)).resolves.toBeUndefined();
    expect(tier.stats()).toMatchObject({ errors: 1, lastError: expect.stringContaining('too long') });
    expect(await tier.get('k'.repeat(3000))).toBeUndefined();
  });

  it('reads a corrupt or foreign object as a miss, deleting only what sits under its own name', async () => {
    const bucket = await freshBucket();
    const tier = tierFor(bucket);
    const client = server.client();
    const put = async (key: string, metadata?: Record<string, string>): Promise<void> => {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: tier.objectNameFor(key),
          Body: 'garbage, not brotli',
          ...(metadata ? { Metadata: metadata } : {}),
        }),
      );
    };
    await put('bad-payload', { 'hotpath-key': 'bad-payload', 'hotpath-expires': 'Infinity', 'hotpath-compression': 'brotli' });
    await put('no-metadata');
    await put('foreign', { 'hotpath-key': 'someone-else', 'hotpath-expires': 'Infinity', 'hotpath-compression': 'gzip' });
    expect(await tier.get('bad-payload')).toBeUndefined();
    expect(await tier.get('no-metadata')).toBeUndefined();
    expect(await tier.get('foreign')).toBeUndefined();
    await tier.idle();
    expect(tier.stats()).toMatchObject({ corrupt: 2, misses: 3, errors: 0 });
    expect(await exists(bucket, tier.objectNameFor('bad-payload')!)).toBe(false);
    expect(await exists(bucket, tier.objectNameFor('no-metadata')!)).toBe(false);
    expect(await exists(bucket, tier.objectNameFor('foreign')!)).toBe(true);
  });

  it('a missing bucket is a counted error, never a rejection', async () => {
    const tier = tierFor('hotpath-no-such-bucket');
    await expect(tier.set('k', Buffer.from('v'), 1000)).resolves.toBeUndefined();
    await expect(tier.get('k')).resolves.toBeUndefined();
    expect((await tier.deleteByPrefix('')).complete).toBe(false);
    expect(tier.stats()).toMatchObject({ sets: 0, errors: 3, lastError: expect.stringMatching(/^ListObjectsV2: /) });
  });

  it('survives the server going away: misses, dropped writes, no rejection; recovers when it is back', async () => {
    const own = await startS3Server();
    try {
      const bucket = await freshBucket(own);
      const tier = tierFor(bucket, {}, own);
      await tier.set('kept', Buffer.from('before the outage'), 60_000);
      await own.stop();

      await expect(tier.get('kept')).resolves.toBeUndefined();
      await expect(tier.set('during', Buffer.from('v'), 60_000)).resolves.toBeUndefined();
      await expect(tier.delete('kept')).resolves.toBeUndefined();
      expect(await tier.deleteByPrefix('')).toEqual({ deleted: 0, complete: false });
      const down = tier.stats();
      expect(down).toMatchObject({ hits: 0, misses: 1, sets: 1, deletes: 0, errors: 4 });
      expect(down.lastError).toMatch(/^ListObjectsV2: /);

      await own.restart(); // same port, same folder: the bucket and its objects are back
      expect(await tier.get('kept')).toEqual(Buffer.from('before the outage'));
      expect(await tier.get('during')).toBeUndefined();
      await tier.set('after', Buffer.from('v'), 60_000);
      expect(await tier.get('after')).toEqual(Buffer.from('v'));
      expect(tier.stats()).toMatchObject({ hits: 2, sets: 2, errors: 4 });
    } finally {
      await own.dispose();
    }
  });

  it('gives up on a server that accepts connections but never answers, within its time bound', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as { port: number };
      const tier = new S3Tier({
        bucket: 'silent-bucket',
        endpoint: `http://127.0.0.1:${port}`,
        forcePathStyle: true,
        credentials: S3RVER_CREDENTIALS,
        timeoutMs: 200,
        maxAttempts: 1,
      });
      tiers.push(tier);
      await expect(tier.get('k')).resolves.toBeUndefined();
      await expect(tier.set('k', Buffer.from('v'), 1000)).resolves.toBeUndefined();
      expect(tier.stats()).toMatchObject({ errors: 2, lastError: 'PutObject: timed out after 200 ms' });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
