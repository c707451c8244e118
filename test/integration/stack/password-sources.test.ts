import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectRemoteStack } from '../../../main/stack/remote/remote-stack.ts';
import { TEST_SERVERS } from '../../support/databases.ts';
import { startPasswordServer, type PasswordServer } from '../../support/scram-postgres.ts';
import { startPasswordRedis } from '../../support/password-redis.ts';
import type { PrivateRedis } from '../cache-l2/private-redis-server.ts';
import { expectStackError } from './support/stack-test-helpers.ts';

// Issue 16: passwords given the way psql and redis-cli users give them, against servers that require one.
// A password with the characters .pgpass escapes (: and \) and that URLs must encode.
const PASSWORD = 'pw:with\\back@slash#';
const REDIS_PASSWORD = 'redis:pw@1';

describe.each(TEST_SERVERS)('PostgreSQL password sources (%s)', (server) => {
  let pgServer: PasswordServer;
  let dir: string;
  beforeAll(async () => {
    pgServer = await startPasswordServer(server, PASSWORD);
    dir = await mkdtemp(join(tmpdir(), 'hotpath-pgpass-'));
  });
  afterAll(async () => {
    await pgServer?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const connect = async (env: Record<string, string | undefined>, pgUrl = pgServer.urlWithoutPassword) => {
    const stack = await connectRemoteStack({ pgUrl, env });
    await stack.stop();
    return stack;
  };
  const escaped = (text: string) => text.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
  const pgpass = async (name: string, lines: string[], mode = 0o600) => {
    const file = join(dir, name);
    await writeFile(file, lines.join('\n') + '\n');
    await chmod(file, mode);
    return file;
  };

  it('without any source, the error names every way to give the password', async () => {
    const error = await expectStackError(
      connectRemoteStack({ pgUrl: pgServer.urlWithoutPassword, env: { PGPASSFILE: join(dir, 'none') } }),
      'auth-failed',
    );
    expect(error.hint).toMatch(/PGPASSWORD.*pgpass.*PGPASSFILE.*--pg-password-file.*terminal/s);
  });

  it('PGPASSWORD is sent when the URL has no password (and a wrong one fails, so it is the one used)', async () => {
    const stack = await connect({ PGPASSWORD: PASSWORD, PGPASSFILE: join(dir, 'none') });
    expect(stack.pg.password).toBe(PASSWORD);
    await expectStackError(
      connectRemoteStack({ pgUrl: pgServer.urlWithoutPassword, env: { PGPASSWORD: 'wrong', PGPASSFILE: join(dir, 'none') } }),
      'auth-failed',
    );
  });

  it('a password in the URL wins over PGPASSWORD, as in libpq', async () => {
    const url = new URL(pgServer.urlWithoutPassword);
    url.password = encodeURIComponent(PASSWORD);
    const stack = await connect({ PGPASSWORD: 'wrong' }, url.toString());
    // The URL's password (decoded) is the one sent, not PGPASSWORD's.
    expect(stack.pg.password).toBe(PASSWORD);
    expect(stack.pg.password).not.toBe('wrong');
  });

  it('PGPASSFILE: the first matching line, with \\: and \\\\ unescaped and * as a wildcard', async () => {
    const file = await pgpass('pgpass-a', [
      '# a comment line',
      `otherhost:*:*:*:wrong`,
      `${pgServer.host}:${pgServer.port}:${pgServer.database}:someone_else:wrong`,
      `${pgServer.host}:*:${pgServer.database}:${pgServer.user}:${escaped(PASSWORD)}`,
      `*:*:*:*:wrong-too`,
    ]);
    const stack = await connect({ PGPASSFILE: file });
    expect(stack.pg.password).toBe(PASSWORD);
  });

  it('~/.pgpass (HOME) when PGPASSFILE is not set; PGPASSWORD wins over it', async () => {
    await pgpass('.pgpass', [`*:*:*:${pgServer.user}:${escaped(PASSWORD)}`]);
    await connect({ HOME: dir });
    await expectStackError(
      connectRemoteStack({ pgUrl: pgServer.urlWithoutPassword, env: { HOME: dir, PGPASSWORD: 'wrong' } }),
      'auth-failed',
    );
  });

  it('the passfile parameter of the connection string wins over PGPASSFILE', async () => {
    const good = await pgpass('pgpass-param', [`*:*:*:*:${escaped(PASSWORD)}`]);
    const bad = await pgpass('pgpass-env', [`*:*:*:*:wrong`]);
    const url = `${pgServer.urlWithoutPassword}?passfile=${encodeURIComponent(good)}`;
    await connect({ PGPASSFILE: bad }, url);
  });

  it('a password file that group or others can read is ignored, and the error says why', async () => {
    const file = await pgpass('pgpass-open', [`*:*:*:*:${escaped(PASSWORD)}`], 0o644);
    const error = await expectStackError(
      connectRemoteStack({ pgUrl: pgServer.urlWithoutPassword, env: { PGPASSFILE: file } }),
      'auth-failed',
    );
    expect(error.message).toContain('has group or world access');
    expect(error.message).not.toContain(PASSWORD);
  });

  it('a password file that is a folder is ignored with a warning', async () => {
    const error = await expectStackError(
      connectRemoteStack({ pgUrl: pgServer.urlWithoutPassword, env: { PGPASSFILE: dir } }),
      'auth-failed',
    );
    expect(error.message).toContain('is not a plain file');
  });

  it('a keyword/value string with a quoted password connects; without one, PGPASSWORD is used', async () => {
    const base = `host=${pgServer.host} port=${pgServer.port} dbname=${pgServer.database} user=${pgServer.user}`;
    const quoted = PASSWORD.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
    const stack = await connect({ PGPASSFILE: join(dir, 'none') }, `${base} password='${quoted}'`);
    expect(stack.pgDisplayUrl).toBe(`${base} password=****`);
    await connect({ PGPASSWORD: PASSWORD, PGPASSFILE: join(dir, 'none') }, base);
  });

  it('a wrong password never appears in the error', async () => {
    const url = new URL(pgServer.urlWithoutPassword);
    url.password = 'Wr0ng-Secret-Value';
    const error = await expectStackError(connectRemoteStack({ pgUrl: url.toString(), env: {} }), 'auth-failed');
    expect(JSON.stringify({ message: error.message, hint: error.hint })).not.toContain('Wr0ng-Secret-Value');
  });
});

describe('Redis password sources', () => {
  let redis: PrivateRedis;
  let pgServer: PasswordServer;
  beforeAll(async () => {
    redis = await startPasswordRedis(REDIS_PASSWORD);
    pgServer = await startPasswordServer('pg18', PASSWORD);
  });
  afterAll(async () => {
    await redis?.stop();
    await pgServer?.close();
  });

  it('REDISCLI_AUTH is sent when the URL has none; without it the error names it', async () => {
    const env = { PGPASSWORD: PASSWORD };
    const stack = await connectRemoteStack({
      pgUrl: pgServer.urlWithoutPassword,
      redisUrl: `redis://127.0.0.1:${redis.port}/0`,
      env: { ...env, REDISCLI_AUTH: REDIS_PASSWORD },
    });
    expect(stack.redis?.displayUrl).toBe(`redis://127.0.0.1:${redis.port}/0`);
    expect(stack.redis?.url).toContain(encodeURIComponent(REDIS_PASSWORD));
    const error = await expectStackError(
      connectRemoteStack({ pgUrl: pgServer.urlWithoutPassword, redisUrl: `redis://127.0.0.1:${redis.port}/0`, env }),
      'auth-failed',
    );
    expect(error.hint).toContain('REDISCLI_AUTH');
  });

  it('a ?password= in the URL connects and wins over REDISCLI_AUTH', async () => {
    const stack = await connectRemoteStack({
      pgUrl: pgServer.urlWithoutPassword,
      redisUrl: `redis://127.0.0.1:${redis.port}/0?password=${encodeURIComponent(REDIS_PASSWORD)}`,
      env: { PGPASSWORD: PASSWORD, REDISCLI_AUTH: 'wrong' },
    });
    expect(stack.redis?.displayUrl).toBe(`redis://127.0.0.1:${redis.port}/0?password=****`);
  });
});
