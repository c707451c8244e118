import { describe, expect, it } from 'vitest';
import { joinSentinelPassword, joinUrlSecret, sentinelPasswordOf, splitUrlSecret } from '../../../main/profiles/url-secrets.ts';
import { parseRedisUrl } from '../../../main/stack/redis-url.ts';
import { parsePgUrl } from '../../../main/stack/pg-url.ts';
import { StackError } from '../../../main/stack/stack-errors.ts';

describe('splitUrlSecret / joinUrlSecret', () => {
  it('splits the password out of a PostgreSQL URL and puts it back', () => {
    const split = splitUrlSecret('postgres://me:s3cret@db.example.com:5432/app?sslmode=require');
    expect(split).toEqual({ url: 'postgres://me@db.example.com:5432/app?sslmode=require', password: 's3cret' });
    expect(joinUrlSecret(split.url, split.password)).toBe('postgres://me:s3cret@db.example.com:5432/app?sslmode=require');
  });

  it('decodes a percent-encoded password and encodes it again so the server gets the same bytes', () => {
    const url = 'postgres://me:p%40ss%2Fw%3Ard%25%20x@db:5432/app';
    const split = splitUrlSecret(url);
    expect(split.password).toBe('p@ss/w:rd% x');
    expect(split.url).not.toContain('p%40ss');
    const joined = joinUrlSecret(split.url, split.password);
    expect(parsePgUrl(joined).config.password).toBe('p@ss/w:rd% x');
    expect(parsePgUrl(joined).config.user).toBe('me');
  });

  it('takes a password with an unencoded @ off whole (the user part ends at the last @)', () => {
    const split = splitUrlSecret('postgres://me:a@b@db:5432/app');
    expect(split).toEqual({ url: 'postgres://me@db:5432/app', password: 'a@b' });
  });

  it('removes a password= parameter (which wins over the user part, as in libpq) and keeps the others verbatim', () => {
    const split = splitUrlSecret('postgres://me:old@db/app?application_name=a%20b&password=new%2Bpw&sslmode=disable');
    expect(split).toEqual({ url: 'postgres://me@db/app?application_name=a%20b&sslmode=disable', password: 'new+pw' });
  });

  it('also drops sslpassword, which must not be stored in clear either', () => {
    expect(splitUrlSecret('postgres://me@db/app?sslpassword=k&sslmode=require').url).toBe('postgres://me@db/app?sslmode=require');
  });

  it('puts a password back as a parameter when the URL has no user name in it', () => {
    const split = splitUrlSecret('postgres://db/app?user=me&password=pw');
    expect(split).toEqual({ url: 'postgres://db/app?user=me', password: 'pw' });
    const joined = joinUrlSecret(split.url, split.password);
    expect(parsePgUrl(joined).config).toMatchObject({ user: 'me', password: 'pw' });
  });

  it('leaves URLs without a password alone; an empty password counts as none', () => {
    expect(splitUrlSecret('postgres://me@db/app')).toEqual({ url: 'postgres://me@db/app', password: null });
    expect(splitUrlSecret('postgres://me:@db/app')).toEqual({ url: 'postgres://me@db/app', password: null });
    expect(joinUrlSecret('postgres://me@db/app', null)).toBe('postgres://me@db/app');
  });

  it('handles Redis URLs in their :password@ form', () => {
    const split = splitUrlSecret('redis://:r%3Ap@cache:6379/2');
    expect(split).toEqual({ url: 'redis://cache:6379/2', password: 'r:p' });
    expect(joinUrlSecret(split.url, split.password)).toBe('redis://:r%3Ap@cache:6379/2');
    const withUser = splitUrlSecret('rediss://app:pw@cache:6380');
    expect(withUser).toEqual({ url: 'rediss://app@cache:6380', password: 'pw' });
    expect(joinUrlSecret(withUser.url, withUser.password)).toBe('rediss://app:pw@cache:6380');
  });

  it('refuses a password with an invalid percent-encoding, naming the fix', () => {
    const error = (() => {
      try {
        splitUrlSecret('postgres://me:100%@db/app');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(StackError);
    expect(error).toMatchObject({ code: 'malformed-url', hint: expect.stringContaining('%25') });
  });
});

describe('sentinelPasswordOf / joinSentinelPassword', () => {
  it("reads a Sentinel URL's sentinelPassword decoded, and puts it back so parseRedisUrl reads the same bytes", () => {
    const url = 'rediss+sentinel://:pw@s1,s2:26380/mymaster?tls_ca=%2Fca.pem&sentinelPassword=a%26b%20c%2Bd';
    expect(sentinelPasswordOf(url)).toBe('a&b c+d');
    const stripped = splitUrlSecret(url).url;
    expect(stripped).toBe('rediss+sentinel://s1,s2:26380/mymaster?tls_ca=%2Fca.pem');
    const joined = joinSentinelPassword(joinUrlSecret(stripped, 'pw'), 'a&b c+d');
    expect(parseRedisUrl(joined).topology).toEqual(parseRedisUrl(url).topology);
    expect(joinSentinelPassword('redis+sentinel://s1/m', 'x')).toBe('redis+sentinel://s1/m?sentinelPassword=x');
    expect(joinSentinelPassword('redis+sentinel://s1/m', null)).toBe('redis+sentinel://s1/m');
  });

  it('has none for a URL without one, with an empty one, or that is not a Sentinel URL', () => {
    expect(sentinelPasswordOf('redis+sentinel://s1/m')).toBeNull();
    expect(sentinelPasswordOf('redis+sentinel://s1/m?sentinelPassword=')).toBeNull();
    expect(sentinelPasswordOf('redis://cache?sentinelPassword=x')).toBeNull();
  });
});
