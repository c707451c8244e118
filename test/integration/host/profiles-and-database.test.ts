import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import type { WsEngineClient } from '../../../renderer/transport/ws-engine-client.ts';
import { startTestHost, type TestHost } from '../../support/test-host.ts';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { waitFor } from '../../support/wait-for.ts';
import { errorOf } from '../../support/error-of.ts';

describe.each(TEST_SERVERS)('profiles and the database views over the contract WebSocket (%s)', (server) => {
  let db: TestDatabase;
  let client: WsEngineClient;
  let dataDir: string;
  let testHost: TestHost;
  let profileId: string;
  /** pg18 checks the password (scram); pg15 trusts, so any password will do there, but it must still be hidden. */
  let urlWithPassword: string;
  let password: string;

  beforeAll(async () => {
    db = await createTestDatabase(server);
    const url = new URL(db.url);
    if (url.password === '') url.password = 'trust-ignores-this';
    urlWithPassword = url.toString();
    password = decodeURIComponent(url.password);
    testHost = await startTestHost();
    ({ client, dataDir } = testHost);
  });
  afterAll(async () => {
    await testHost?.close();
    await db?.drop();
  });

  it('refuses the database views before a stack is connected', async () => {
    for (const call of [client.call('database.topStatements', {}), client.call('database.activity', {})]) {
      expect(await errorOf(call)).toMatchObject({ code: 'not-connected', hint: expect.stringContaining('connect') });
    }
  });

  it('saves a profile with a password: the list masks it, nothing is saved without a cipher, the file has no password', async () => {
    const saved = await client.call('profiles.save', { name: `scratch on ${server}`, pgUrl: urlWithPassword, saveSecret: true });
    profileId = saved.id;
    const list = await client.call('profiles.list', {});
    expect(list.secretStorage).toMatchObject({ kind: 'none', canPersist: false, warning: expect.stringContaining('HOTPATH_SECRET_KEY') });
    expect(list.profiles).toEqual([
      {
        id: saved.id,
        name: `scratch on ${server}`,
        pgDisplayUrl: expect.stringContaining(':****@127.0.0.1'),
        redisDisplayUrl: null,
        secretSaved: false,
        secretAvailable: true,
        needsSecret: true,
        lastUsedAt: null,
      },
    ]);
    expect(list.profiles[0]!.pgDisplayUrl).not.toContain(password);
    const raw = await readFile(join(dataDir, 'profiles.json'), 'utf8');
    expect(raw).toContain(db.name);
    expect(raw).not.toContain(password);
  });

  it('connects by profile id', async () => {
    const status = await client.call('profiles.connect', { id: profileId });
    expect(status).toMatchObject({ phase: 'ready', profileId, host: 'headless', stack: { kind: 'remote' } });
    expect((await client.call('profiles.list', {})).profiles[0]!.lastUsedAt).toEqual(expect.any(Number));
  });

  it('shows the busiest statements where pg_stat_statements works, and why not where it does not', async () => {
    await client.call('database.topStatements', {});
    const direct = new pg.Client({ connectionString: db.url });
    await direct.connect();
    try {
      for (let i = 0; i < 25; i++) await direct.query('SELECT $1::int * 2 AS hotpath_ws_marker', [i]);
    } finally {
      await direct.end();
    }
    const top = await client.call('database.topStatements', { limit: 100 });
    if (server === 'pg18') {
      expect(top).toMatchObject({ available: true, reason: null });
      expect(top.statements.find((s) => s.query.includes('hotpath_ws_marker'))).toMatchObject({
        calls: 25,
        callsPerSecond: expect.any(Number),
      });
      expect(top.statements.find((s) => s.query.includes('hotpath_ws_marker'))!.callsPerSecond).toBeGreaterThan(0);
    } else {
      expect(top).toMatchObject({ available: false, statements: [], reason: expect.stringContaining('shared_preload_libraries') });
    }
  });

  it('lists a running query with its age and cancels it only when confirmed', async () => {
    const sleeper = new pg.Client({ connectionString: db.url, application_name: 'ws-sleeper' });
    await sleeper.connect();
    try {
      const pid = (await sleeper.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const sleeping = errorOf(sleeper.query('SELECT pg_sleep(30)'));
      const row = await waitFor('the sleeping query in database.activity', async () =>
        (await client.call('database.activity', {})).connections.find((c) => c.pid === pid && c.state === 'active'),
      );
      expect(row).toMatchObject({ application: 'ws-sleeper', ours: false, query: 'SELECT pg_sleep(30)', queryAgeMs: expect.any(Number) });

      expect(await errorOf(client.call('database.cancelQuery', { pid } as never))).toMatchObject({
        code: 'bad-request',
        message: expect.stringContaining('confirm'),
      });
      expect(await client.call('database.cancelQuery', { pid, confirm: true })).toEqual({ cancelled: true });
      expect(await sleeping).toMatchObject({ message: 'canceling statement due to user request' });
    } finally {
      await sleeper.end();
    }
  });

  it('tests a connection without switching to it, with the same classified errors as connecting', async () => {
    const found = await client.call('stack.test', { pgUrl: urlWithPassword });
    expect(found).toMatchObject({ serverVersion: expect.any(Number), pgStatStatements: server === 'pg18', redis: false });
    expect(found.notices.map((n) => n.code)).toContain('redis-not-configured');
    expect(await client.call('engine.status', {})).toMatchObject({ phase: 'ready', profileId });

    if (server === 'pg18') {
      const wrong = new URL(urlWithPassword);
      wrong.password = 'wrong-password';
      const error = await errorOf(client.call('stack.test', { pgUrl: wrong.toString() }));
      expect(error).toMatchObject({ code: 'auth-failed', hint: expect.stringMatching(/password/i) });
      expect(await client.call('engine.status', {})).toMatchObject({ phase: 'ready', profileId, error: null });
    }
  });

  it('deletes the profile, which also clears it from the status', async () => {
    const list = await client.call('profiles.delete', { id: profileId });
    expect(list.profiles).toEqual([]);
    expect(await client.call('engine.status', {})).toMatchObject({ phase: 'ready', profileId: null });
    expect(await errorOf(client.call('profiles.connect', { id: profileId }))).toMatchObject({ code: 'profile-not-found' });
  });
});
