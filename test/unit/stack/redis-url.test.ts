import { describe, expect, it } from 'vitest';
import { maskRedisUrl, parseRedisUrl } from '../../../main/stack/redis-url.ts';

describe('parseRedisUrl', () => {
  it('reads host, port, database and TLS', () => {
    expect(parseRedisUrl('redis://:pw@cache.example.com:6380/2')).toMatchObject({
      tls: false,
      db: 2,
      target: { host: 'cache.example.com', port: 6380, database: '2' },
    });
    expect(parseRedisUrl('rediss://cache:6390')).toMatchObject({ tls: true, db: undefined, target: { port: 6390 } });
    expect(parseRedisUrl('redis://[::1]').target).toMatchObject({ host: '::1', port: 6379 });
  });

  it.each([
    ['', 'empty'],
    ['localhost:6379', 'does not start with redis://'],
    ['postgres://u@h/d', 'PostgreSQL URL'],
    ['redis://h:99999', 'port "99999"'],
    ['redis://h:x', 'port "x"'],
    ['redis://:pw@/0', 'names no host'],
    ['redis://h:6379/zero', 'database "zero"'],
  ])('rejects %j naming the problem', (url, expected) => {
    expect(() => parseRedisUrl(url)).toThrow(
      expect.objectContaining({ code: 'malformed-url', message: expect.stringContaining(expected) }),
    );
  });
});

describe('maskRedisUrl', () => {
  it.each([
    ['redis://:s3cret@h:6379/0', 'redis://:****@h:6379/0'],
    ['redis://user:s3cret@h:6379', 'redis://user:****@h:6379'],
    ['redis://h:6379', 'redis://h:6379'],
    ['rediss://:p@ss@h', 'rediss://:****@h'],
  ])('%s', (input, expected) => {
    expect(maskRedisUrl(input)).toBe(expected);
  });
});
