import { describe, expect, it } from 'vitest';
import { maskPgUrl } from '../../../main/stack/pg-url.ts';
import { maskRedisUrl } from '../../../main/stack/redis-url.ts';
import { splitUrlSecret } from '../../../main/profiles/url-secrets.ts';

// The reproductions of issue 16's secrets defect: each of these showed or stored the password in clear.
const SECRET = 'Sup3r-S3cret';

describe('every URL form with a password is masked where it is shown', () => {
  it.each([
    [`redis://127.0.0.1:6379?password=${SECRET}`],
    [`redis://127.0.0.1:6379/0?username=app&password=${SECRET}`],
    [`rediss://app:${SECRET}@cache.example.com:6380`],
    [`redis://:${SECRET}@127.0.0.1:6379`],
    [`redis://127.0.0.1:6379?sentinelPassword=${SECRET}`],
  ])('Redis %s', (url) => {
    const masked = maskRedisUrl(url);
    expect(masked).not.toContain(SECRET);
    expect(masked).toContain('****');
  });

  it.each([
    [`postgres://me:${SECRET}@db/app`],
    [`postgres://me@db/app?password=${SECRET}`],
    [`postgres://me@db/app?sslpassword=${SECRET}`],
    [`postgres://me@db/app?pass%77ord=${SECRET}`],
    [`host=db dbname=app user=me password=${SECRET}`],
    [`host=db dbname=app password='${SECRET} with spaces' user=me`],
    [`host=db password = ${SECRET}`],
  ])('PostgreSQL %s', (url) => {
    const masked = maskPgUrl(url);
    expect(masked).not.toContain(SECRET);
    expect(masked).toContain('****');
  });
});

describe('a query-parameter password is split off before a profile is written', () => {
  it('Redis ?password=', () => {
    const split = splitUrlSecret(`redis://127.0.0.1:6379/0?password=${SECRET}`);
    expect(split).toEqual({ url: 'redis://127.0.0.1:6379/0', password: SECRET });
  });

  it('PostgreSQL ?pass%77ord= (a percent-encoded key is still the password)', () => {
    const split = splitUrlSecret(`postgres://me@db/app?pass%77ord=${SECRET}`);
    expect(split).toEqual({ url: 'postgres://me@db/app', password: SECRET });
  });
});
