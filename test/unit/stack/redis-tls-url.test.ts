import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redisTarget } from '../../../main/engine/cache-session.ts';
import { readRedisTls } from '../../../main/stack/redis-tls.ts';
import { clusterRedisUrl, parseRedisUrl, sentinelRedisUrl } from '../../../main/stack/redis-url.ts';
import { StackError } from '../../../main/stack/stack-errors.ts';

const TLS = { ca: '/etc/redis/ca.pem', cert: '/etc/redis/client.pem', key: '/etc/redis/client.key', servername: 'redis.internal' };
const QUERY = 'tls_ca=/etc/redis/ca.pem&tls_cert=/etc/redis/client.pem&tls_key=/etc/redis/client.key&tls_servername=redis.internal';

describe('parseRedisUrl: TLS and certificate parameters', () => {
  it('reads rediss:// certificate paths, and hands ioredis the URL without them (other parameters kept)', () => {
    const parsed = parseRedisUrl(`rediss://:pw@r1:6380/2?${QUERY}&family=6`);
    expect(parsed.tls).toBe(true);
    expect(parsed.topology).toEqual({ kind: 'standalone', url: 'rediss://:pw@r1:6380/2?family=6', tls: TLS });
    // Paths are not secrets: the display URL keeps them, and hides the password.
    expect(parsed.displayUrl).toContain(QUERY);
    expect(parsed.displayUrl).not.toContain(':pw@');
  });

  it('turns TLS on for rediss:// without parameters (the system CAs), and leaves redis:// as it was', () => {
    expect(parseRedisUrl('rediss://r1').topology).toEqual({ kind: 'standalone', url: 'rediss://r1', tls: {} });
    expect(parseRedisUrl('redis://r1').topology).toEqual({ kind: 'standalone', url: 'redis://r1' });
    expect(parseRedisUrl('redis://r1').tls).toBe(false);
  });

  it('reads rediss+sentinel:// and rediss+cluster:// with the same parameters beside the passwords', () => {
    const sentinel = parseRedisUrl(`rediss+sentinel://:pw@s1,s2:26380/mymaster/1?sentinelPassword=watch&${QUERY}`);
    expect(sentinel.tls).toBe(true);
    expect(sentinel.topology).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
      ],
      masterName: 'mymaster',
      password: 'pw',
      sentinelPassword: 'watch',
      db: 1,
      tls: TLS,
    });
    const cluster = parseRedisUrl(`rediss+cluster://r1:7000,r2?tls_ca=${encodeURIComponent('/my certs/ca.pem')}`);
    expect(cluster.topology).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'r1', port: 7000 },
        { host: 'r2', port: 6379 },
      ],
      tls: { ca: '/my certs/ca.pem' },
    });
    expect(parseRedisUrl('rediss+cluster://r1').topology).toEqual({ kind: 'cluster', nodes: [{ host: 'r1', port: 6379 }], tls: {} });
  });

  it.each([
    ['redis://r1?tls_ca=/ca.pem', 'tls_ca is given but the scheme does not use TLS', 'rediss://'],
    ['redis+cluster://r1?tls_ca=/ca.pem', 'tls_ca is given but the scheme does not use TLS', 'rediss+cluster://'],
    ['redis+sentinel://s1/m?tls_cert=/c&tls_key=/k', 'tls_cert is given but the scheme does not use TLS', 'rediss+sentinel://'],
    ['rediss://r1?tls_cert=/c.pem', 'tls_cert is given without tls_key', 'both tls_cert and tls_key'],
    ['rediss+cluster://r1?tls_key=/k.pem', 'tls_key is given without tls_cert', 'both tls_cert and tls_key'],
    ['rediss://r1?tls_ca=', 'tls_ca is empty', 'file path'],
    ['rediss://r1?ssl_ca_certs=/ca.pem', 'Hotpath does not read the parameter ssl_ca_certs', 'tls_ca=…'],
    ['rediss+sentinel://s1/m?sslrootcert=/ca.pem', 'Hotpath does not read the parameter sslrootcert', 'tls_ca=…'],
    ['rediss://r1?tls_verify=no', 'the parameter tls_verify is not one Hotpath reads', 'tls_servername'],
  ])('refuses %s as malformed-url, with the fix in the hint', (url, message, hint) => {
    let error: unknown;
    try {
      parseRedisUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StackError);
    expect((error as StackError).code).toBe('malformed-url');
    expect((error as StackError).message).toContain(message);
    expect((error as StackError).hint).toContain(hint);
  });

  it('writes the TLS schemes for the CLI flags', () => {
    expect(sentinelRedisUrl([{ host: 's1', port: 26379 }], 'm', true)).toBe('rediss+sentinel://s1:26379/m');
    expect(clusterRedisUrl([{ host: 'r1', port: 6379 }], true)).toBe('rediss+cluster://r1:6379');
    expect(clusterRedisUrl([{ host: 'r1', port: 6379 }])).toBe('redis+cluster://r1:6379');
  });
});

describe('readRedisTls and the L2 target', () => {
  it('reads the files when asked, and the L2 target carries their contents (the sentinel name renamed)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hotpath-redis-tls-unit-'));
    try {
      await writeFile(join(dir, 'ca.pem'), 'CA PEM');
      await writeFile(join(dir, 'c.pem'), 'CERT PEM');
      await writeFile(join(dir, 'c.key'), 'KEY PEM');
      const files = { ca: join(dir, 'ca.pem'), cert: join(dir, 'c.pem'), key: join(dir, 'c.key'), servername: 'r.internal' };
      const pem = { ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM', servername: 'r.internal' };
      expect(readRedisTls(files)).toEqual(pem);
      expect(redisTarget({ kind: 'sentinel', sentinels: [{ host: 's', port: 26379 }], masterName: 'm', tls: files })).toEqual({
        kind: 'sentinel',
        sentinels: [{ host: 's', port: 26379 }],
        name: 'm',
        tls: pem,
      });
      expect(redisTarget({ kind: 'standalone', url: 'redis://r' })).toEqual({ kind: 'standalone', url: 'redis://r' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file it cannot read as tls-failed, naming the parameter and the path', () => {
    expect(() => readRedisTls({ ca: '/no/such/ca.pem' })).toThrow(
      expect.objectContaining({
        code: 'tls-failed',
        message: 'Cannot read the Redis CA certificate (tls_ca) file /no/such/ca.pem: ENOENT.',
        hint: expect.stringContaining('path'),
      }),
    );
    expect(() =>
      redisTarget({ kind: 'cluster', nodes: [{ host: 'r', port: 6379 }], tls: { cert: '/no/c.pem', key: '/no/c.key' } }),
    ).toThrow(
      expect.objectContaining({ code: 'tls-failed', message: expect.stringContaining('client certificate (tls_cert) file /no/c.pem') }),
    );
  });
});
