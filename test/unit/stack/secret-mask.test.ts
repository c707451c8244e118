import { describe, expect, it } from 'vitest';
import { maskConnectionString, maskSecretsInText } from '../../../main/stack/secret-mask.ts';
import { redisUrlHasPassword, resolveRedisPassword, withRedisPassword } from '../../../main/stack/redis-password-sources.ts';
import { parseRedisUrl } from '../../../main/stack/redis-url.ts';

describe('maskConnectionString', () => {
  it.each([
    ['postgres://me:pw@db/app', 'postgres://me:****@db/app'],
    ['postgres://me:p@w@db/app', 'postgres://me:****@db/app'],
    ['postgres://me:p/w@db/app', 'postgres://me:****@db/app'],
    ['postgres://me@db:5432/app?application_name=a@b', 'postgres://me@db:5432/app?application_name=a@b'],
    ['postgres://db/app?sslmode=require&password=pw&sslpassword=k', 'postgres://db/app?sslmode=require&password=****&sslpassword=****'],
    ['postgres://db/app?passfile=/home/me/.pgpass', 'postgres://db/app?passfile=/home/me/.pgpass'],
    ['redis://:pw@h:6379/0', 'redis://:****@h:6379/0'],
    ['redis://h?password=pw&sentinelPassword=s', 'redis://h?password=****&sentinelPassword=****'],
    ['rediss://user:pw@h', 'rediss://user:****@h'],
    ["host=db password='a b' user=me", 'host=db password=**** user=me'],
    ["host=db password='unterminated user=me", 'host=db password=****'],
    ['redis://h:6379', 'redis://h:6379'],
  ])('%s', (input, expected) => {
    expect(maskConnectionString(input)).toBe(expected);
  });
});

describe('maskSecretsInText', () => {
  it('masks URLs and password= anywhere in a message, and the known secrets raw or encoded', () => {
    const text = 'failed "postgres://me:pw1@db/app" then host=db password=pw2 then redis://:pw3@h and pw 4/x and pw%204%2Fx';
    const masked = maskSecretsInText(text, ['pw 4/x']);
    for (const secret of ['pw1', 'pw2', 'pw3', 'pw 4/x', 'pw%204%2Fx']) expect(masked).not.toContain(secret);
    expect(masked).toContain('postgres://me:****@db/app');
  });

  it('leaves ordinary messages alone', () => {
    const text = 'password authentication failed for user "me"';
    expect(maskSecretsInText(text)).toBe(text);
  });
});

describe('Redis passwords from outside the URL', () => {
  it('REDISCLI_AUTH only when the URL has none; an ACL user keeps its name', () => {
    expect(resolveRedisPassword(parseRedisUrl('redis://h:6379/0'), { REDISCLI_AUTH: 'a:b@c' })).toEqual({
      url: 'redis://:a%3Ab%40c@h:6379/0',
      password: 'a:b@c',
    });
    expect(resolveRedisPassword(parseRedisUrl('redis://:own@h'), { REDISCLI_AUTH: 'env' }).url).toBe('redis://:own@h');
    expect(resolveRedisPassword(parseRedisUrl('redis://h?password=own'), { REDISCLI_AUTH: 'env' }).url).toBe('redis://h?password=own');
    expect(withRedisPassword('rediss://app@h:6380', 'pw')).toBe('rediss://app:pw@h:6380');
    expect(redisUrlHasPassword('redis://app@h')).toBe(false);
    expect(redisUrlHasPassword('redis://app:@h')).toBe(false);
  });
});
