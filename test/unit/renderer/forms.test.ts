import { describe, expect, it } from 'vitest';
import { fieldOfError } from '../../../renderer/forms/connection-error-field.ts';
import { parseRate } from '../../../renderer/forms/parse-rate.ts';
import { suggestProfileName } from '../../../renderer/forms/profile-name.ts';
import { EngineCallError } from '../../../renderer/transport/engine-call-error.ts';
import { formatAge, formatMs, formatRate, formatServerVersion } from '../../../renderer/format/units.ts';

describe('target rate', () => {
  it('accepts a positive number of req/s, with thousands separators', () => {
    expect(parseRate('500', false)).toEqual({ ok: true, rate: 500 });
    expect(parseRate(' 12,000 ', false)).toEqual({ ok: true, rate: 12000 });
    expect(parseRate('2.5', false)).toEqual({ ok: true, rate: 2.5 });
  });

  it('lets a blank rate mean "the profile’s rate" only when optional', () => {
    expect(parseRate('', true)).toEqual({ ok: true, rate: null });
    expect(parseRate('', false)).toMatchObject({ ok: false });
  });

  it('refuses words, zero, negatives and more than the engine accepts, saying why', () => {
    expect(parseRate('fast', true)).toEqual({ ok: false, message: '"fast" is not a number: enter requests per second, e.g. 500.' });
    expect(parseRate('0', true)).toMatchObject({ ok: false, message: 'The target rate must be more than 0 req/s.' });
    expect(parseRate('-5', true)).toMatchObject({ ok: false });
    expect(parseRate('2000000', true)).toMatchObject({ ok: false, message: 'The target rate can be at most 1,000,000 req/s.' });
  });
});

describe('connection error placement', () => {
  const err = (code: string, message: string) => new EngineCallError({ code, message });
  it('puts PostgreSQL failures next to the PostgreSQL URL', () => {
    expect(fieldOfError(err('auth-failed', 'Password authentication failed for user "me".'))).toBe('pgUrl');
    expect(fieldOfError(err('malformed-url', 'The URL has no host.'))).toBe('pgUrl');
  });
  it('puts Redis failures next to the Redis URL', () => {
    expect(fieldOfError(err('auth-failed', 'Redis at cache:6379 rejected the user name or password.'))).toBe('redisUrl');
    expect(fieldOfError(err('redis-master-unknown', 'The sentinels at s1:26379 monitor no master named "cache".'))).toBe('redisUrl');
  });
  it('puts a bad name next to the name, and other errors on the form', () => {
    expect(fieldOfError(err('bad-request', 'Invalid parameters for profiles.save: name: give the profile a name'))).toBe('name');
    expect(fieldOfError(err('busy', 'The engine is seeding.'))).toBe('form');
  });
});

describe('profile names and units', () => {
  it('names a profile after its database and host', () => {
    expect(suggestProfileName('postgres://me:pw@db.example.com:5432/app?sslmode=require')).toBe('app on db.example.com');
    expect(suggestProfileName('postgresql://[::1]/x')).toBe('x on [::1]');
    expect(suggestProfileName('not a url')).toBe('My database');
  });

  it('formats numbers with their units', () => {
    expect(formatMs(0.4213)).toBe('0.42 ms');
    expect(formatMs(1234.5)).toBe('1,235 ms');
    expect(formatRate(12000)).toBe('12,000 req/s');
    expect(formatServerVersion(150019)).toBe('15.19');
    expect(formatAge(65_000)).toBe('1 min 5 s');
  });
});
