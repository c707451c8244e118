import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseObjectTierUrl } from '../../../main/cache/l3/object-tier-url.ts';
import { ObjectTierConfigError } from '../../../main/cache/l3/object-tier-config.ts';
import { EnvKeyCipher } from '../../../main/profiles/env-key-cipher.ts';
import { ProfileStore } from '../../../main/profiles/profile-store.ts';
import type { SecretCipher } from '../../../main/profiles/secret-cipher.ts';

// An AWS-like secret: a / (percent-encoded in the URL) and a +.
const SECRET = 'wJalr/XUtnFEMI+K7MDENG';
const PG_URL = 'postgres://alice@db:5432/app';
const S3_URL = `s3://AKIAEXAMPLE:${encodeURIComponent(SECRET)}@hotpath-cache/team/?endpoint=http://127.0.0.1:9000&forcePathStyle=true`;
const KEY = 'profile-l3-test-key-0123456789abcdef';

describe('an L3 URL', () => {
  it('reads a folder, an S3 bucket with its parameters and credentials, and one without credentials', () => {
    expect(parseObjectTierUrl('/var/cache/hotpath')).toEqual({ kind: 'folder', dir: '/var/cache/hotpath' });
    expect(parseObjectTierUrl(S3_URL)).toEqual({
      kind: 's3',
      bucket: 'hotpath-cache',
      prefix: 'team/',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: SECRET,
    });
    expect(parseObjectTierUrl('s3://hotpath-cache')).toEqual({ kind: 's3', bucket: 'hotpath-cache' });
  });

  it('refuses a relative folder, a bad bucket and an access key id without its secret, without repeating the text', () => {
    const problems = (url: string) => {
      try {
        parseObjectTierUrl(url);
      } catch (error) {
        if (error instanceof ObjectTierConfigError) return error.problems;
        throw error;
      }
      throw new Error('accepted');
    };
    expect(problems('AKIA:topsecret@bucket')).toEqual(['must be an s3:// URL or an absolute folder path']);
    expect(problems('s3://B_/x')[0]).toMatch(/^bucket: must be a bucket name/);
    expect(problems('s3://AKIA@bucket/x')).toEqual([expect.stringMatching(/^secretAccessKey: must be given together/)]);
    expect(problems('s3://bucket/x?sse=1')).toEqual(['unknown parameter sse (known: endpoint, region, forcePathStyle)']);
  });
});

describe('ProfileStore keeps an object store (L3)', () => {
  let dir: string;
  const store = (cipher: SecretCipher | null = null) => new ProfileStore({ dataDir: dir, cipher, noCipherWarning: 'none' });
  const rawFile = () => readFile(join(dir, 'profiles.json'), 'utf8');

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hotpath-profile-l3-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the S3 URL without its secret, shows it masked, and saved encrypted it is back in the next session', async () => {
    const cipher = new EnvKeyCipher(KEY);
    const saved = await store(cipher).save({ name: 'prod', pgUrl: PG_URL, l3Url: S3_URL, saveSecret: true });
    expect(saved.l3DisplayUrl).toBe('s3://AKIAEXAMPLE:****@hotpath-cache/team/?endpoint=http://127.0.0.1:9000&forcePathStyle=true');
    const raw = await rawFile();
    expect(raw).toContain('s3://AKIAEXAMPLE@hotpath-cache/team/');
    for (const form of [SECRET, encodeURIComponent(SECRET), 'wJalr', 'K7MDENG']) expect(raw).not.toContain(form);
    expect(JSON.parse(raw).profiles[0]).toMatchObject({ l3: { hasSecret: true }, savedSecret: { kind: 'env-key' } });
    // A new store has nothing in memory: the secret comes from the encrypted file.
    const target = await store(cipher).connection(saved.id);
    expect(parseObjectTierUrl(target.l3Url!)).toMatchObject({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: SECRET });
  });

  it('without saving, the secret lives in memory only; after a restart connecting says it is needed', async () => {
    const profiles = store();
    const saved = await profiles.save({ name: 'prod', pgUrl: PG_URL, l3Url: S3_URL, saveSecret: false });
    expect(await rawFile()).not.toContain('wJalr');
    expect(parseObjectTierUrl((await profiles.connection(saved.id)).l3Url!)).toMatchObject({ secretAccessKey: SECRET });
    await expect(store().connection(saved.id)).rejects.toMatchObject({
      code: 'secret-needed',
      message: expect.stringContaining('S3 secret'),
    });
  });

  it('an edit keeps the secret when the masked URL comes back or l3Url is left out; an empty l3Url removes it', async () => {
    const profiles = store();
    const saved = await profiles.save({ name: 'prod', pgUrl: PG_URL, l3Url: S3_URL, saveSecret: false });
    await profiles.save({ id: saved.id, name: 'prod', pgUrl: PG_URL, l3Url: saved.l3DisplayUrl!, saveSecret: false });
    expect(parseObjectTierUrl((await profiles.connection(saved.id)).l3Url!)).toMatchObject({ secretAccessKey: SECRET });
    const renamed = await profiles.save({ id: saved.id, name: 'renamed', pgUrl: PG_URL, saveSecret: false });
    expect(renamed.l3DisplayUrl).toBe(saved.l3DisplayUrl);
    // Another access key id with a masked secret does not inherit the old key's secret.
    await profiles.save({ id: saved.id, name: 'prod', pgUrl: PG_URL, l3Url: 's3://OTHER:****@hotpath-cache/', saveSecret: false });
    expect((await profiles.connection(saved.id)).l3Url).toBe('s3://OTHER@hotpath-cache/');
    const none = await profiles.save({ id: saved.id, name: 'prod', pgUrl: PG_URL, l3Url: '', saveSecret: false });
    expect(none.l3DisplayUrl).toBeUndefined();
    expect((await profiles.connection(saved.id)).l3Url).toBeNull();
  });

  it('keeps a folder or a credential-less bucket as given, and reads a file written before L3 existed', async () => {
    const profiles = store();
    const folder = await profiles.save({ name: 'f', pgUrl: PG_URL, l3Url: '/var/cache/hotpath', saveSecret: false });
    expect(folder.l3DisplayUrl).toBe('/var/cache/hotpath');
    const env = await profiles.save({ name: 'e', pgUrl: PG_URL, l3Url: 's3://hotpath-cache/x/', saveSecret: false });
    expect((await profiles.connection(env.id)).l3Url).toBe('s3://hotpath-cache/x/');

    const old = { id: 'p1', name: 'old', pgUrl: PG_URL, redisUrl: null, hasPassword: { pg: false, redis: false } };
    await writeFile(
      join(dir, 'profiles.json'),
      JSON.stringify({ version: 1, profiles: [{ ...old, savedSecret: null, createdAt: 1, lastUsedAt: null }] }),
    );
    expect((await store().list()).profiles[0]?.l3DisplayUrl).toBeUndefined();
    expect((await store().connection('p1')).l3Url).toBeNull();
  });
});
