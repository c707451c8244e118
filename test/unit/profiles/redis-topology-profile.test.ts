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
