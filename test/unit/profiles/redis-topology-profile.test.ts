import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvKeyCipher } from '../../../main/profiles/env-key-cipher.ts';
import { ProfileStore } from '../../../main/profiles/profile-store.ts';
import { parseRedisUrl } from '../../../main/stack/redis-url.ts';

const PG_URL = 'postgres://alice:pg-pw@db.example.com:5432/app';

// A saved profile keeps a Sentinel or Cluster Redis as its redis+sentinel:// / redis+cluster:// URL, with the data
// servers' password split off like a standalone URL's.
describe('ProfileStore with a Sentinel or Cluster Redis', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hotpath-profiles-redis-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['redis+sentinel://:redis-pw@s1:26379,s2:26380/mymaster/1', 'redis+sentinel://:****@s1:26379,s2:26380/mymaster/1'],
    ['redis+cluster://:redis-pw@r1:7000,r2:7001,r3:7002', 'redis+cluster://:****@r1:7000,r2:7001,r3:7002'],
  ])('%s: stored without its password, shown masked, connected with the same servers and password', async (redisUrl, display) => {
    const store = new ProfileStore({
      dataDir: dir,
      cipher: new EnvKeyCipher('redis-topology-profile-key-0123456789'),
      noCipherWarning: '',
    });
    const saved = await store.save({ name: 'cluster', pgUrl: PG_URL, redisUrl, saveSecret: true });
    expect(saved.redisDisplayUrl).toBe(display);
    const raw = await readFile(join(dir, 'profiles.json'), 'utf8');
    expect(raw).not.toContain('redis-pw');
    const connection = await new ProfileStore({
      dataDir: dir,
      cipher: new EnvKeyCipher('redis-topology-profile-key-0123456789'),
      noCipherWarning: '',
    }).connection(saved.id);
    expect(parseRedisUrl(connection.redisUrl!).topology).toEqual(parseRedisUrl(redisUrl).topology);
  });
});

// The sentinels' own password (`sentinelPassword`) is a secret like the others: split off on save, kept in memory or
// encrypted only when asked, joined back on connect, masked in the display URL, kept by an edit that sends the mask.
describe('ProfileStore with a Sentinel Redis whose sentinels have a password of their own', () => {
  const KEY = 'redis-topology-profile-key-0123456789';
  const SENTINEL_URL = 'redis+sentinel://:redis-pw@s1:26379,s2:26380/mymaster/1?sentinelPassword=watch%20pw%2B%26';
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hotpath-profiles-sentinel-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const storeWith = (cipher: EnvKeyCipher | null) => new ProfileStore({ dataDir: dir, cipher, noCipherWarning: 'no key' });
  const onDisk = () => readFile(join(dir, 'profiles.json'), 'utf8');
  const sentinelPasswordOfConnection = async (store: ProfileStore, id: string) => {
    const topology = parseRedisUrl((await store.connection(id)).redisUrl!).topology;
    return topology?.kind === 'sentinel' ? topology.sentinelPassword : 'not a sentinel topology';
  };

  it('saved with "save password": encrypted on disk only, masked in the display URL, back on connect after a restart', async () => {
    const saved = await storeWith(new EnvKeyCipher(KEY)).save({ name: 's', pgUrl: PG_URL, redisUrl: SENTINEL_URL, saveSecret: true });
    expect(saved.redisDisplayUrl).toBe('redis+sentinel://:****@s1:26379,s2:26380/mymaster/1?sentinelPassword=****');
    expect(saved.needsSecret).toBe(true);
    const raw = await onDisk();
    expect(raw).not.toMatch(/watch|sentinelPassword/);
    expect(raw).not.toContain('redis-pw');
    const restarted = storeWith(new EnvKeyCipher(KEY));
    expect((await restarted.list()).profiles[0]?.secretAvailable).toBe(true);
    const connection = await restarted.connection(saved.id);
    expect(parseRedisUrl(connection.redisUrl!).topology).toEqual(parseRedisUrl(SENTINEL_URL).topology);
    expect(await sentinelPasswordOfConnection(restarted, saved.id)).toBe('watch pw+&');
  });

  it('not saved: kept in memory for the session, never on disk, and asked for again after a restart', async () => {
    const store = storeWith(new EnvKeyCipher(KEY));
    const saved = await store.save({ name: 's', pgUrl: PG_URL, redisUrl: SENTINEL_URL, saveSecret: false });
    expect(await onDisk()).not.toContain('watch');
    expect(await sentinelPasswordOfConnection(store, saved.id)).toBe('watch pw+&');
    await expect(storeWith(new EnvKeyCipher(KEY)).connection(saved.id)).rejects.toMatchObject({ code: 'secret-needed' });
  });

  it('without a cipher, "save password" writes nothing of it to disk', async () => {
    const store = storeWith(null);
    const saved = await store.save({ name: 's', pgUrl: PG_URL, redisUrl: SENTINEL_URL, saveSecret: true });
    const raw = await onDisk();
    expect(raw).not.toContain('watch');
    expect(JSON.parse(raw).profiles[0].savedSecret).toBeNull();
    expect(await sentinelPasswordOfConnection(store, saved.id)).toBe('watch pw+&');
  });

  it('an edit that sends the masked display URL back keeps it; a new one replaces it; a standalone URL drops it', async () => {
    const store = storeWith(new EnvKeyCipher(KEY));
    const saved = await store.save({ name: 's', pgUrl: PG_URL, redisUrl: SENTINEL_URL, saveSecret: true });
    await store.save({ id: saved.id, name: 's', pgUrl: saved.pgDisplayUrl, redisUrl: saved.redisDisplayUrl!, saveSecret: true });
    expect(await sentinelPasswordOfConnection(storeWith(new EnvKeyCipher(KEY)), saved.id)).toBe('watch pw+&');
    const connection = await storeWith(new EnvKeyCipher(KEY)).connection(saved.id);
    expect(parseRedisUrl(connection.redisUrl!).topology).toMatchObject({ password: 'redis-pw' });

    await store.save({
      id: saved.id,
      name: 's',
      pgUrl: saved.pgDisplayUrl,
      redisUrl: 'redis+sentinel://:****@s1:26379/mymaster?sentinelPassword=other',
      saveSecret: true,
    });
    expect(await sentinelPasswordOfConnection(storeWith(new EnvKeyCipher(KEY)), saved.id)).toBe('other');
    expect(await onDisk()).not.toContain('other');

    const standalone = await store.save({
      id: saved.id,
      name: 's',
      pgUrl: saved.pgDisplayUrl,
      redisUrl: 'redis://cache:6379',
      saveSecret: false,
    });
    expect(standalone.redisDisplayUrl).toBe('redis://:****@cache:6379');
    expect((await store.connection(saved.id)).redisUrl).not.toContain('sentinelPassword');
  });
});
