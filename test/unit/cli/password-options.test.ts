import { describe, expect, it } from 'vitest';
import { applyPasswordFiles, takeEnvironmentPasswords, withPgPassword } from '../../../app/cli/password-options.ts';
import { parsePgUrl } from '../../../main/stack/pg-url.ts';

describe('withPgPassword (what --pg-password-file and the prompt add to --pg)', () => {
  it.each([
    ['postgres://me@db/app', "p'w\\:@/?#"],
    ['postgres://db/app?user=me', 'pw with spaces'],
    ['host=db dbname=app user=me', "it's \\ quoted"],
  ])('%s gets the password the server will be sent, byte for byte', (connection, password) => {
    expect(parsePgUrl(withPgPassword(connection, password)).config.password).toBe(password);
  });
});

describe('takeEnvironmentPasswords and applyPasswordFiles (PGPASSWORD and REDISCLI_AUTH belong to --pg and --redis)', () => {
  it('takes both out of the environment, treating empty as unset', () => {
    const env: Record<string, string | undefined> = { PGPASSWORD: 'pg-pw', REDISCLI_AUTH: '', PATH: '/bin' };
    expect(takeEnvironmentPasswords(env)).toEqual({ pg: 'pg-pw' });
    expect(env).toEqual({ PATH: '/bin' });
  });

  it("puts them into the URLs that have no password, after the URL's own", async () => {
    const urls = await applyPasswordFiles({ pg: 'postgres://me@db/app', redis: 'redis://:own@cache:6379' }, () => undefined, {
      pg: 'env-pg',
      redis: 'env-redis',
    });
    expect(parsePgUrl(urls.pg!).config.password).toBe('env-pg');
    expect(urls.redis).toBe('redis://:own@cache:6379');
    const kept = await applyPasswordFiles({ pg: 'postgres://me:own@db/app' }, () => undefined, { pg: 'env-pg' });
    expect(parsePgUrl(kept.pg!).config.password).toBe('own');
  });
});
