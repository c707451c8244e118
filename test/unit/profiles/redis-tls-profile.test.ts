import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvKeyCipher } from '../../../main/profiles/env-key-cipher.ts';
import { ProfileStore } from '../../../main/profiles/profile-store.ts';
import { parseRedisUrl } from '../../../main/stack/redis-url.ts';

const PG_URL = 'postgres://alice:pg-pw@db.example.com:5432/app';
const TLS = 'tls_ca=/etc/redis/ca.pem&tls_cert=/etc/redis/client.pem&tls_key=/etc/redis/client.key';

// A saved profile keeps a TLS Redis's certificate parameters (paths, not secrets) and splits off only the password.
describe('ProfileStore with a TLS Redis', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hotpath-profiles-redis-tls-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    [`rediss://:redis-pw@r1:6380/2?${TLS}`, `rediss://:****@r1:6380/2?${TLS}`],
    [`rediss+sentinel://:redis-pw@s1:26379,s2/mymaster?${TLS}`, `rediss+sentinel://:****@s1:26379,s2/mymaster?${TLS}`],
    [`rediss+cluster://:redis-pw@r1:7000,r2:7001?${TLS}`, `rediss+cluster://:****@r1:7000,r2:7001?${TLS}`],
  ])('%s: stored with its certificate paths and without its password, connected with the same TLS topology', async (redisUrl, display) => {
    const cipher = new EnvKeyCipher('redis-tls-profile-key-0123456789abcdef');
    const store = new ProfileStore({ dataDir: dir, cipher, noCipherWarning: '' });
    const saved = await store.save({ name: 'tls', pgUrl: PG_URL, redisUrl, saveSecret: true });
    expect(saved.redisDisplayUrl).toBe(display);
    const raw = await readFile(join(dir, 'profiles.json'), 'utf8');
    expect(raw).not.toContain('redis-pw');
    expect(raw).toContain('/etc/redis/client.key');
    const connection = await new ProfileStore({ dataDir: dir, cipher, noCipherWarning: '' }).connection(saved.id);
    expect(parseRedisUrl(connection.redisUrl!).topology).toEqual(parseRedisUrl(redisUrl).topology);
    expect(parseRedisUrl(connection.redisUrl!).topology.tls).toEqual({
      ca: '/etc/redis/ca.pem',
      cert: '/etc/redis/client.pem',
      key: '/etc/redis/client.key',
    });
  });
});
