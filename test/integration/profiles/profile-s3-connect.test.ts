import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheSettings } from '../../../app/cli/cache-options.ts';
import { S3Tier } from '../../../main/cache/l3/s3-tier.ts';
import { TieredCache } from '../../../main/cache/tiered/tiered-cache.ts';
import type { TelemetrySnapshot } from '../../../main/contract/telemetry.ts';
import { databaseNamespace } from '../../../main/engine/cache-session.ts';
import { templateCacheKey } from '../../../main/engine/cached-workload-target.ts';
import { Engine } from '../../../main/engine/engine.ts';
import { EnvKeyCipher } from '../../../main/profiles/env-key-cipher.ts';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { ITEMS_TABLE_SQL } from '../../support/items-workload.ts';
import { S3RVER_CREDENTIALS, startS3Server, type S3TestServer } from '../../support/s3-server.ts';
import { waitFor } from '../../support/wait-for.ts';

const KEY = 'profile-s3-connect-test-key-0123456789';
const BY_ID = { name: 'by_id', sql: 'SELECT id, note FROM public.items WHERE id = $1', ttlMs: 3_600_000 };
const PROFILE = `name: items-cached
rate: 100
templates:
  - name: ${BY_ID.name}
    weight: 1
    sql: ${BY_ID.sql}
    cache:
      ttlSeconds: 3600
    params:
      - kind: int
        min: 1
        max: 100
`;

/**
 * A saved profile whose object store is an S3 bucket (s3rver), connected through the engine: the secret is
 * encrypted on disk, the engine's cache reads its L3 from that bucket, and the workload's reads hit it.
 */
describe('profiles.connect with an s3:// object store (PostgreSQL 18, s3rver)', () => {
  let db: TestDatabase;
  let s3: S3TestServer;
  let bucket: string;
  let dataDir: string;
  const engines: Engine[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('pg18');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(ITEMS_TABLE_SQL).finally(() => client.end());
    s3 = await startS3Server();
    bucket = `hotpath-profile-${randomBytes(3).toString('hex')}`;
    await s3.createBucket(bucket);
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-profile-s3-'));
  });
  afterAll(async () => {
    for (const engine of engines) await engine.stop();
    await s3?.dispose();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  function engine(): Engine {
    const made = new Engine({ dataDir, cache: { l1Bytes: 16 << 20 }, secretCipher: new EnvKeyCipher(KEY) });
    engines.push(made);
    return made;
  }

  it('saves the S3 secret encrypted, connects with it in a new session, and serves the workload from the bucket', async () => {
    const { accessKeyId, secretAccessKey } = S3RVER_CREDENTIALS;
    const l3Url = `s3://${accessKeyId}:${secretAccessKey}@${bucket}/hp/?endpoint=${s3.endpoint}&forcePathStyle=true`;
    const first = engine();
    const saved = await first.call('profiles.save', { name: 'with-s3', pgUrl: db.url, l3Url, saveSecret: true });
    expect(saved.l3DisplayUrl).toBe(`s3://${accessKeyId}:****@${bucket}/hp/?endpoint=${s3.endpoint}&forcePathStyle=true`);
    // s3rver's secret is its access key id: on disk that name appears once, in the user part, never as `id:secret`.
    const raw = await readFile(join(dataDir, 'profiles.json'), 'utf8');
    expect(raw.match(/S3RVER/g)).toHaveLength(1);
    expect(raw).toContain(`s3://${accessKeyId}@${bucket}/hp/`);
    expect(JSON.parse(raw).profiles[0]).toMatchObject({ l3: { hasSecret: true }, savedSecret: { kind: 'env-key' } });
    await first.stop();

    // A new engine knows the secret only from the encrypted file. (s3rver checks the access key id but not SigV4
    // signatures, so the secret's exact round trip is asserted in test/unit/profiles/profile-l3.test.ts.)
    const second = engine();
    await second.call('profiles.connect', { id: saved.id });
    const status = await second.call('cache.status', {});
    expect(status.tiers.find((t) => t.tier === 'l3')?.location).toBe(`s3://${bucket}/hp/ at ${s3.endpoint}`);

    // Another process (a TieredCache over the same bucket and prefix) left the items' results in L3 only.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const url = new URL(db.url);
    const namespace = databaseNamespace({ host: url.hostname, port: Number(url.port), database: url.pathname.slice(1) });
    const l3 = new S3Tier({ bucket, prefix: 'hp/', endpoint: s3.endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
    const other = new TieredCache({ l3, defaultTtlMs: BY_ID.ttlMs });
    try {
      for (let id = 1; id <= 100; id++) {
        const { rows } = await client.query(BY_ID.sql, [id]);
        await other.set(templateCacheKey(namespace, BY_ID, [id]), rows, { tiers: ['l3'], ttlMs: BY_ID.ttlMs });
      }
    } finally {
      await other.close();
      await l3.close();
      await client.end();
    }

    const snapshots: TelemetrySnapshot[] = [];
    second.subscribe('telemetry.snapshot', (s) => snapshots.push(s));
    const profileFile = join(dataDir, 'items-cached.yaml');
    await writeFile(profileFile, PROFILE);
    await second.call('workload.start', { profile: profileFile, rate: 100 });
    const fromL3 = await waitFor('a second where the bucket answered', () => {
      const hits = snapshots.reduce((sum, s) => sum + (s.cache?.tiers.l3?.hits ?? 0), 0);
      return hits > 0 ? hits : undefined;
    });
    expect(fromL3).toBeGreaterThan(0);
    await second.call('workload.stop', {});
    const l3Errors = snapshots.reduce((sum, s) => sum + (s.cache?.tiers.l3?.errors ?? 0), 0);
    expect(l3Errors).toBe(0);
  });

  it('stack.connect takes an l3Url too, and refuses a bad one before connecting, without repeating it', async () => {
    const third = engine();
    await expect(third.call('stack.connect', { pgUrl: db.url, l3Url: 's3://AKIA:hunter2@B_/x' })).rejects.toMatchObject({
      code: 'l3-config-invalid',
      message: expect.not.stringContaining('hunter2'),
    });
    expect((await third.call('engine.status', {})).phase).not.toBe('ready');
    await third.call('stack.connect', { pgUrl: db.url, l3Url: `s3://${bucket}/direct/?endpoint=${s3.endpoint}&forcePathStyle=true` });
    const status = await third.call('cache.status', {});
    expect(status.tiers.find((t) => t.tier === 'l3')?.location).toBe(`s3://${bucket}/direct/ at ${s3.endpoint}`);
  });

  it('stack.test lists the bucket of an s3:// object store and says when it does not answer', async () => {
    const tester = engine();
    const url = (name: string) => `s3://${S3RVER_CREDENTIALS.accessKeyId}:secret@${name}/t/?endpoint=${s3.endpoint}&forcePathStyle=true`;
    expect((await tester.call('stack.test', { pgUrl: db.url, l3Url: url(bucket) })).l3).toEqual({
      location: `s3://${bucket}/t/ at ${s3.endpoint}`,
      reachable: true,
      message: null,
    });
    const missing = await tester.call('stack.test', { pgUrl: db.url, l3Url: url('no-such-bucket') });
    expect(missing.l3).toMatchObject({ reachable: false, message: expect.stringMatching(/bucket does not exist/i) });
    expect(JSON.stringify(missing)).not.toContain('secret@');
    // A folder is made on its first write: nothing to test.
    expect((await tester.call('stack.test', { pgUrl: db.url, l3Url: dataDir })).l3).toBeUndefined();
  });

  it('--cache-l3 s3://… takes its credentials from the AWS_* environment variables', async () => {
    const flags = { cache: true, cacheL1: 16, cacheL3: `s3://${bucket}/cli/?endpoint=${s3.endpoint}&forcePathStyle=true` };
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    const restore = (name: string, value: string | undefined) => {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    };
    const connected = async (): Promise<Engine> => {
      const made = new Engine({ dataDir, cache: cacheSettings(flags) });
      engines.push(made);
      await made.call('stack.connect', { pgUrl: db.url });
      return made;
    };
    try {
      process.env.AWS_ACCESS_KEY_ID = 'NOT-AN-ACCOUNT';
      process.env.AWS_SECRET_ACCESS_KEY = S3RVER_CREDENTIALS.secretAccessKey;
      // A flush of L3 lists the bucket: an unknown access key id is refused (InvalidAccessKeyId), so the flush is incomplete.
      expect((await (await connected()).call('cache.flush', { tier: 'l3' })).complete).toBe(false);
      process.env.AWS_ACCESS_KEY_ID = S3RVER_CREDENTIALS.accessKeyId;
      const right = await connected();
      expect((await right.call('cache.status', {})).tiers.find((t) => t.tier === 'l3')?.location).toBe(
        `s3://${bucket}/cli/ at ${s3.endpoint}`,
      );
      expect((await right.call('cache.flush', { tier: 'l3' })).complete).toBe(true);
    } finally {
      restore('AWS_ACCESS_KEY_ID', saved.id);
      restore('AWS_SECRET_ACCESS_KEY', saved.secret);
    }
  });
});
