import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvKeyCipher } from '../../../main/profiles/env-key-cipher.ts';
import { ProfileStore } from '../../../main/profiles/profile-store.ts';
import type { SecretCipher } from '../../../main/profiles/secret-cipher.ts';
import { parsePgUrl } from '../../../main/stack/pg-url.ts';

const PRIMARY_PW = 'prim@ry/pw';
const REPLICA_PW = 'repl!ca:pw';
const PG_URL = `postgres://alice:${encodeURIComponent(PRIMARY_PW)}@db:5432/app`;
const OWN = `postgres://bob:${encodeURIComponent(REPLICA_PW)}@replica-a:5432/app`;
const BARE = 'postgres://alice@replica-b:5432/app';
const KEY = 'profile-replicas-test-key-0123456789';

describe('ProfileStore keeps read replicas', () => {
  let dir: string;
  const store = (cipher: SecretCipher | null = null) => new ProfileStore({ dataDir: dir, cipher, noCipherWarning: 'none' });
  const rawFile = () => readFile(join(dir, 'profiles.json'), 'utf8');

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hotpath-profile-replicas-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the replica URLs without passwords, shows them masked, and connects with them put back', async () => {
    const profiles = store();
    const saved = await profiles.save({ name: 'prod', pgUrl: PG_URL, replicaUrls: [OWN, BARE], saveSecret: false });
    expect(saved.replicaDisplayUrls).toEqual(['postgres://bob:****@replica-a:5432/app', BARE]);
    const raw = await rawFile();
    expect(raw).toContain('replica-a');
    expect(raw).not.toContain(REPLICA_PW);
    expect(raw).not.toContain(encodeURIComponent(REPLICA_PW));
    const target = await profiles.connection(saved.id);
    expect(target.replicaUrls.map((u) => parsePgUrl(u).config.password)).toEqual([REPLICA_PW, undefined]);
    expect(target.replicaUrls.map((u) => parsePgUrl(u).target.host)).toEqual(['replica-a', 'replica-b']);
  });

  it('an edit that sends the masked URLs back keeps the passwords; one without replicaUrls keeps the replicas', async () => {
    const profiles = store();
    const saved = await profiles.save({ name: 'prod', pgUrl: PG_URL, replicaUrls: [OWN], saveSecret: false });
    await profiles.save({
      id: saved.id,
      name: 'prod',
      pgUrl: saved.pgDisplayUrl,
      replicaUrls: saved.replicaDisplayUrls!,
      saveSecret: false,
    });
    expect((await profiles.connection(saved.id)).replicaUrls.map((u) => parsePgUrl(u).config.password)).toEqual([REPLICA_PW]);
    const renamed = await profiles.save({ id: saved.id, name: 'renamed', pgUrl: saved.pgDisplayUrl, saveSecret: false });
    expect(renamed.replicaDisplayUrls).toEqual(['postgres://bob:****@replica-a:5432/app']);
    const none = await profiles.save({ id: saved.id, name: 'renamed', pgUrl: saved.pgDisplayUrl, replicaUrls: [], saveSecret: false });
    expect(none.replicaDisplayUrls).toBeUndefined();
    expect((await profiles.connection(saved.id)).replicaUrls).toEqual([]);
  });

  it("saves the replicas' passwords encrypted with the primary's, readable by the next session", async () => {
    const cipher = new EnvKeyCipher(KEY);
    const saved = await store(cipher).save({ name: 'prod', pgUrl: PG_URL, replicaUrls: [OWN], saveSecret: true });
    expect(await rawFile()).not.toContain(REPLICA_PW);
    // A new store has nothing in memory: the passwords come from the encrypted secret.
    const target = await store(cipher).connection(saved.id);
    expect(parsePgUrl(target.pgUrl).config.password).toBe(PRIMARY_PW);
    expect(target.replicaUrls.map((u) => parsePgUrl(u).config.password)).toEqual([REPLICA_PW]);
  });

  it('refuses a malformed replica URL before writing anything', async () => {
    await expect(store().save({ name: 'prod', pgUrl: PG_URL, replicaUrls: ['postgres://h1,h2/app'], saveSecret: false })).rejects.toThrow(
      /several hosts/,
    );
    await expect(rawFile()).rejects.toThrow();
  });

  it('reads a profiles file written before replicas existed', async () => {
    const old = { id: 'p1', name: 'old', pgUrl: 'postgres://alice@db/app', redisUrl: null, hasPassword: { pg: false, redis: false } };
    await writeFile(
      join(dir, 'profiles.json'),
      JSON.stringify({ version: 1, profiles: [{ ...old, savedSecret: null, createdAt: 1, lastUsedAt: null }] }),
    );
    const { profiles } = await store().list();
    expect(profiles[0]?.replicaDisplayUrls).toBeUndefined();
    expect((await store().connection('p1')).replicaUrls).toEqual([]);
  });
});
