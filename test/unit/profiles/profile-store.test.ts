import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProfileStore, type SaveProfileInput } from '../../../main/profiles/profile-store.ts';
import { EnvKeyCipher } from '../../../main/profiles/env-key-cipher.ts';
import type { SecretCipher } from '../../../main/profiles/secret-cipher.ts';
import { errorOf } from '../../support/error-of.ts';

const PASSWORD = 'Sup3r$ecret/pw';
const PG_URL = `postgres://alice:${encodeURIComponent(PASSWORD)}@db.example.com:5432/app?sslmode=disable`;
const KEY = 'profile-store-test-key-0123456789';

function input(overrides: Partial<SaveProfileInput> = {}): SaveProfileInput {
  return { name: 'production', pgUrl: PG_URL, saveSecret: false, ...overrides };
}

describe('ProfileStore', () => {
  let dir: string;
  const store = (cipher: SecretCipher | null = null) => new ProfileStore({ dataDir: dir, cipher, noCipherWarning: 'no cipher here' });
  const rawFile = () => readFile(join(dir, 'profiles.json'), 'utf8');

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hotpath-profiles-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts empty and says how secrets are kept', async () => {
    expect(await store().list()).toEqual({ profiles: [], secretStorage: { kind: 'none', canPersist: false, warning: 'no cipher here' } });
    expect((await store(new EnvKeyCipher(KEY)).list()).secretStorage).toEqual({ kind: 'env-key', canPersist: true, warning: null });
  });

  it('saves a profile with its password split off: masked in the list, absent from the file, kept in memory', async () => {
    const profiles = store();
    const saved = await profiles.save(input());
    expect(saved).toMatchObject({
      name: 'production',
      pgDisplayUrl: 'postgres://alice:****@db.example.com:5432/app?sslmode=disable',
      redisDisplayUrl: null,
      secretSaved: false,
      secretAvailable: true,
      needsSecret: true,
      lastUsedAt: null,
    });
    const raw = await rawFile();
    expect(raw).toContain('postgres://alice@db.example.com:5432/app?sslmode=disable');
    expect(raw).not.toContain(PASSWORD);
    expect(raw).not.toContain(encodeURIComponent(PASSWORD));
    expect((await stat(join(dir, 'profiles.json'))).mode & 0o777).toBe(0o600);
    expect((await profiles.list()).profiles).toEqual([saved]);
    expect((await profiles.connection(saved.id)).pgUrl).toBe(PG_URL);
  });

  it('with saveSecret false keeps nothing on disk, even with a cipher: after a restart the password is asked for', async () => {
    const cipher = new EnvKeyCipher(KEY);
    const saved = await store(cipher).save(input({ redisUrl: 'redis://:redis-pw@cache:6379' }));
    const raw = await rawFile();
    expect(raw).not.toContain(PASSWORD);
    expect(raw).not.toContain('redis-pw');
    expect(JSON.parse(raw).profiles[0].savedSecret).toBeNull();

    const restarted = store(cipher);
    expect((await restarted.list()).profiles[0]).toMatchObject({
      secretSaved: false,
      secretAvailable: false,
      needsSecret: true,
      redisDisplayUrl: 'redis://:****@cache:6379',
    });
    expect(await errorOf(restarted.connection(saved.id))).toMatchObject({
      code: 'secret-needed',
      hint: expect.stringContaining('Enter the password'),
    });
  });

  it('with saveSecret but no cipher keeps the password in memory only', async () => {
    const saved = await store(null).save(input({ saveSecret: true }));
    expect(saved).toMatchObject({ secretSaved: false, secretAvailable: true });
    expect(await rawFile()).not.toContain(PASSWORD);
    expect(await errorOf(store(null).connection(saved.id))).toMatchObject({ code: 'secret-needed' });
  });

  it('with saveSecret and a cipher writes the passwords encrypted, readable after a restart with the same key', async () => {
    const saved = await store(new EnvKeyCipher(KEY)).save(input({ saveSecret: true, redisUrl: 'redis://:redis-pw@cache:6379' }));
    expect(saved).toMatchObject({ secretSaved: true, secretAvailable: true });
    const raw = await rawFile();
    expect(raw).not.toContain(PASSWORD);
    expect(raw).not.toContain('redis-pw');

    const connection = await store(new EnvKeyCipher(KEY)).connection(saved.id);
    expect(connection).toMatchObject({ pgUrl: PG_URL, redisUrl: 'redis://:redis-pw@cache:6379' });
  });

  it('says a saved password was encrypted with another key, and a typed password still connects', async () => {
    const saved = await store(new EnvKeyCipher(KEY)).save(input({ saveSecret: true }));
    const other = store(new EnvKeyCipher(`${KEY}-rotated`));
    const error = await errorOf(other.connection(saved.id));
    expect(error).toMatchObject({
      code: 'secret-needed',
      message: expect.stringContaining('encrypted with another HOTPATH_SECRET_KEY; enter the password again'),
    });
    expect((await other.connection(saved.id, 'typed')).pgUrl).toBe('postgres://alice:typed@db.example.com:5432/app?sslmode=disable');
  });

  it('keeps the old password when a profile is edited with a URL without one, and replaces it when given', async () => {
    const cipher = new EnvKeyCipher(KEY);
    const saved = await store(cipher).save(input({ saveSecret: true }));
    const profiles = store(cipher);
    const edited = await profiles.save(
      input({ id: saved.id, name: 'prod (renamed)', pgUrl: 'postgres://alice@db.example.com:5432/app?sslmode=disable', saveSecret: true }),
    );
    expect(edited).toMatchObject({ id: saved.id, name: 'prod (renamed)', needsSecret: true, secretSaved: true });
    expect((await profiles.connection(saved.id)).pgUrl).toBe(PG_URL);
    expect((await store(cipher).connection(saved.id)).pgUrl).toBe(PG_URL);

    await profiles.save(input({ id: saved.id, pgUrl: 'postgres://alice:new-pw@db.example.com:5432/app', saveSecret: true }));
    expect((await store(cipher).connection(saved.id)).pgUrl).toBe('postgres://alice:new-pw@db.example.com:5432/app');
    expect((await profiles.list()).profiles).toHaveLength(1);
  });

  it('treats the masked password an edit form sends back as "keep the saved password"', async () => {
    const profiles = store();
    const saved = await profiles.save(input());
    expect(saved.pgDisplayUrl).toContain(':****@');
    await profiles.save(input({ id: saved.id, name: 'renamed', pgUrl: saved.pgDisplayUrl }));
    expect((await profiles.connection(saved.id)).pgUrl).toBe(PG_URL);
    // On a new profile the same text is a (strange) password of its own, not a mask.
    const other = await profiles.save(input({ pgUrl: 'postgres://bob:****@db.example.com:5432/app' }));
    expect((await profiles.connection(other.id)).pgUrl).toContain('bob:****@');
  });

  it('remembers a typed password for the session and records when a profile was last used', async () => {
    const saved = await store().save(input());
    const restarted = new ProfileStore({ dataDir: dir, cipher: null, noCipherWarning: '', now: () => 1_700_000_000_000 });
    restarted.remember(saved.id, 'typed');
    await restarted.markUsed(saved.id);
    expect((await restarted.list()).profiles[0]).toMatchObject({ secretAvailable: true, lastUsedAt: 1_700_000_000_000 });
    expect((await restarted.connection(saved.id)).pgUrl).toContain('alice:typed@');
  });

  it('deletes a profile and its secret; an unknown id is a clear error', async () => {
    const profiles = store();
    const keep = await profiles.save(input({ name: 'keep' }));
    const drop = await profiles.save(input({ name: 'drop' }));
    const list = await profiles.delete(drop.id);
    expect(list.profiles.map((p) => p.name)).toEqual(['keep']);
    expect(await errorOf(profiles.connection(drop.id))).toMatchObject({ code: 'profile-not-found' });
    expect(await errorOf(profiles.delete(drop.id))).toMatchObject({ code: 'profile-not-found', hint: expect.any(String) });
    expect((await profiles.connection(keep.id)).pgUrl).toBe(PG_URL);
  });

  it('keeps both of two saves made at the same moment', async () => {
    const profiles = store();
    await Promise.all([profiles.save(input({ name: 'a' })), profiles.save(input({ name: 'b' })), profiles.save(input({ name: 'c' }))]);
    expect((await profiles.list()).profiles.map((p) => p.name).sort()).toEqual(['a', 'b', 'c']);
  });

  it('refuses a malformed URL with the connection error code and writes nothing', async () => {
    expect(await errorOf(store().save(input({ pgUrl: 'mysql://db/app' })))).toMatchObject({ code: 'malformed-url' });
    expect(await errorOf(rawFile())).toMatchObject({ code: 'ENOENT' });
  });

  it.each([
    ['not JSON', '{"version": 1, "profiles": [', /not valid JSON/],
    ['a wrong shape', '{"version": 1, "profiles": [{"id": "x"}]}', /profiles\.0\.name/],
    ['a newer version', '{"version": 2, "profiles": []}', /another version of Hotpath/],
  ])('reports a damaged file (%s) naming it, and never overwrites it', async (_what, content, detail) => {
    const file = join(dir, 'profiles.json');
    await writeFile(file, content);
    const profiles = store();
    const error = await errorOf(profiles.list());
    expect(error).toMatchObject({
      code: 'profiles-unreadable',
      message: expect.stringContaining(file),
      hint: expect.stringContaining('nothing is lost'),
    });
    expect((error as Error).message).toMatch(detail);
    expect(await errorOf(profiles.save(input()))).toMatchObject({ code: 'profiles-unreadable' });
    expect(await readFile(file, 'utf8')).toBe(content);
  });
});
