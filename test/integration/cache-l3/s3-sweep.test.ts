import { randomBytes } from 'node:crypto';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { S3Tier } from '../../../main/cache/l3/s3-tier.ts';
import type { S3SweepStep, S3TierOptions } from '../../../main/cache/l3/s3-tier.ts';
import { encodeMeta } from '../../../main/cache/l3/s3-object-layout.ts';
import { BackgroundGate } from '../../../main/memory/index.ts';
import { S3RVER_CREDENTIALS, startS3Server } from '../../support/s3-server.ts';
import type { S3TestServer } from '../../support/s3-server.ts';

// The S3 tier's expiry sweep against a real S3-compatible server (s3rver): ListObjectsV2 with continuation
// tokens, HeadObject metadata and DeleteObjects as the tier uses them.
let server: S3TestServer;
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

async function freshBucket(): Promise<string> {
  const bucket = `hotpath-sweep-${randomBytes(4).toString('hex')}`;
  await server.createBucket(bucket);
  return bucket;
}

function tierFor(bucket: string, options: Partial<S3TierOptions>): S3Tier {
  const tier = new S3Tier({
    bucket,
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
    sweepIntervalMs: 0,
    ...options,
  });
  tiers.push(tier);
  return tier;
}

async function allNames(bucket: string): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    const page = await server
      .client()
      .send(new ListObjectsV2Command({ Bucket: bucket, ...(token !== undefined ? { ContinuationToken: token } : {}) }));
    names.push(...(page.Contents ?? []).map((object) => object.Key!));
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return names.sort();
}

/** Objects and bytes under a prefix, as a plain client lists them. */
async function usage(bucket: string, prefix: string): Promise<{ objects: number; bytes: number }> {
  const page = await server.client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  const contents = page.Contents ?? [];
  return { objects: contents.length, bytes: contents.reduce((sum, object) => sum + (object.Size ?? 0), 0) };
}

async function putRaw(bucket: string, name: string, metadata?: Record<string, string>): Promise<void> {
  await server
    .client()
    .send(new PutObjectCommand({ Bucket: bucket, Key: name, Body: Buffer.from('x'), ...(metadata ? { Metadata: metadata } : {}) }));
}

/** Runs sweep steps until one finishes a pass; returns the steps. */
async function sweepPass(tier: S3Tier): Promise<S3SweepStep[]> {
  const steps: S3SweepStep[] = [];
  for (let i = 0; i < 100; i++) {
    const step = await tier.sweep();
    steps.push(step);
    if (step.passDone) return steps;
  }
  throw new Error('the sweep did not finish a pass in 100 steps');
}

describe('S3 tier expiry sweep', () => {
  it('never serves an expired object, even one written by another instance with a slower clock', async () => {
    const bucket = await freshBucket();
    let now = 1_000_000;
    const writer = tierFor(bucket, { clock: () => now });
    await writer.set('user:1', Buffer.from('ada'), 1000);
    const reader = tierFor(bucket, { clock: () => now + 1000 }); // exactly at the expiry
    expect(await reader.get('user:1')).toBeUndefined();
    expect(reader.stats()).toMatchObject({ expired: 1, hits: 0 });
    now += 1;
    await reader.idle();
    expect(await writer.get('user:1')).toBeUndefined(); // the reader removed it
  });

  it('deletes the expired objects of its prefix page by page, and nothing else', async () => {
    const bucket = await freshBucket();
    let now = 5_000_000;
    const tier = tierFor(bucket, { prefix: 'cache/', clock: () => now, sweepPageSize: 2, sweepPagesPerTick: 2 });
    const neighbour = tierFor(bucket, { prefix: 'cache-other/', clock: () => now });
    for (let i = 0; i < 5; i++) await tier.set(`short:${i}`, Buffer.from(`s${i}`), 1000);
    for (let i = 0; i < 3; i++) await tier.set(`long:${i}`, Buffer.from(`l${i}`), 3_600_000);
    await tier.set(`forever`, Buffer.from('f'), Infinity);
    const longKey = `report:${'x'.repeat(600)}`; // past the keyed-name limit: stored under a sha256 name
    await tier.set(longKey, Buffer.from('r'), 1000);
    expect(tier.objectNameFor(longKey)).toMatch(/^cache\/h\/[0-9a-f]{64}$/);
    // Expired objects of another prefix that starts with the same letters: outside this tier.
    await neighbour.set('short:0', Buffer.from('n'), 1000);
    // Under the prefix but not ours: no metadata; our name form with another key's metadata; a name outside the layout.
    await putRaw(bucket, 'cache/readme.txt');
    const foreignMeta = encodeMeta({ key: 'someone-else', expiresAt: 1, compression: 'gzip' })!;
    await putRaw(bucket, tier.objectNameFor('short:9')!, foreignMeta);
    await putRaw(bucket, 'cache/notes/old', encodeMeta({ key: 'notes', expiresAt: 1, compression: 'gzip' })!);
    // Outside the prefix, with our metadata and long expired.
    await putRaw(bucket, 'elsewhere/k/00', encodeMeta({ key: '\u0000', expiresAt: 1, compression: 'gzip' })!);
    const before = await allNames(bucket);

    now += 2000;
    const steps = await sweepPass(tier);
    // Every object under cache/ is listed once (cache-other/ does not start with cache/, so it is not listed).
    const listed = steps.reduce((sum, step) => sum + step.listed, 0);
    expect(listed).toBe(before.filter((name) => name.startsWith('cache/')).length);
    expect(steps.length).toBeGreaterThan(1); // 2 objects a page, 2 pages a step: several steps
    expect(steps.every((step) => step.complete)).toBe(true);
    expect(steps.reduce((sum, step) => sum + step.removed, 0)).toBe(6);

    const expiredNames = [...Array.from({ length: 5 }, (_, i) => tier.objectNameFor(`short:${i}`)!), tier.objectNameFor(longKey)!];
    expect(await allNames(bucket)).toEqual(before.filter((name) => !expiredNames.includes(name)));
    expect(tier.stats()).toMatchObject({ expired: 6, sweepPasses: 1, errors: 0 });
    // What the pass left under the prefix, foreign objects included: the bucket's share of this cache.
    const left = await usage(bucket, 'cache/');
    expect(left.objects).toBe(before.filter((name) => name.startsWith('cache/')).length - 6);
    expect(tier.stats()).toMatchObject({ prefixObjects: left.objects, prefixBytes: left.bytes });
    expect(left.bytes).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) expect(await tier.get(`long:${i}`)).toEqual(Buffer.from(`l${i}`));
    expect(await tier.get('forever')).toEqual(Buffer.from('f'));

    // The next pass starts from the beginning and finds nothing more to delete.
    const again = await sweepPass(tier);
    expect(again.reduce((sum, step) => sum + step.removed, 0)).toBe(0);
    expect(tier.stats().sweepPasses).toBe(2);
  });

  it('knows no prefix usage before its first complete pass', async () => {
    const tier = tierFor(await freshBucket(), {});
    expect(tier.stats()).toMatchObject({ sweepPasses: 0, prefixObjects: null, prefixBytes: null });
  });

  it('waits on the background gate before listing, and close() ends a waiting sweep', async () => {
    const bucket = await freshBucket();
    let now = 1_000_000;
    const gate = new BackgroundGate();
    const tier = tierFor(bucket, { clock: () => now, gate });
    await tier.set('a', Buffer.from('a'), 1000);
    now += 5000;
    gate.pause('memory pressure');
    const step = tier.sweep();
    expect(gate.waiting).toBe(1);
    expect(tier.sweep()).toBe(step); // a step under way is joined
    expect(await allNames(bucket)).toEqual([tier.objectNameFor('a')]);
    gate.resume();
    expect(await step).toMatchObject({ listed: 1, removed: 1, passDone: true, complete: true });
    expect(await allNames(bucket)).toEqual([]);

    await tier.set('b', Buffer.from('b'), 1000);
    now += 5000;
    gate.pause('memory pressure');
    const waiting = tier.sweep();
    await tier.close();
    expect(await waiting).toMatchObject({ listed: 0, removed: 0 });
    expect(await allNames(bucket)).toEqual([tier.objectNameFor('b')]);
  });

  it('counts a failed listing and resumes from the same page once the server is back', async () => {
    const bucket = await freshBucket();
    let now = 1_000_000;
    const tier = tierFor(bucket, { clock: () => now, sweepPageSize: 1, sweepPagesPerTick: 1, timeoutMs: 1000, maxAttempts: 1 });
    await tier.set('a', Buffer.from('a'), 1000);
    await tier.set('b', Buffer.from('b'), 1000);
    now += 5000;
    expect(await tier.sweep()).toMatchObject({ listed: 1, removed: 1, passDone: false, complete: true });
    await server.stop();
    try {
      expect(await tier.sweep()).toMatchObject({ listed: 0, removed: 0, complete: false });
      expect(tier.stats().lastError).toMatch(/^ListObjectsV2: /);
    } finally {
      await server.restart();
    }
    expect(await tier.sweep()).toMatchObject({ listed: 1, removed: 1, passDone: true, complete: true });
    expect(await allNames(bucket)).toEqual([]);
  });
});
