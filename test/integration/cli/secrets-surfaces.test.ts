import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import WebSocket from 'ws';
import { WsEngineClient } from '../../../renderer/transport/ws-engine-client.ts';
import { createTestDatabase, serverUrl, TEST_SERVERS, type TestDatabase } from '../../support/databases.ts';
import { startCli } from '../../support/run-cli.ts';
import { waitFor } from '../../support/wait-for.ts';
import type { PrivateRedis } from '../cache-l2/private-redis-server.ts';
import { startPasswordRedis } from '../../support/password-redis.ts';

// Issue 16: a password given in any connection-string form must appear on no surface Hotpath shows or writes.
// Distinctive secrets (with characters that need percent-encoding) so that a hit can only be a leak.
const PG_SECRET = `pg!S3cret~${randomBytes(4).toString('hex')}`;
const REDIS_SECRET = `rd!S3cret~${randomBytes(4).toString('hex')}`;

function forms(secret: string): string[] {
  return [secret, encodeURIComponent(secret)];
}

async function withRole<T>(admin: string, sql: string): Promise<T | void> {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe.each(TEST_SERVERS)('no password on any output surface (%s)', (server) => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  const role = `hp_secret_${randomBytes(5).toString('hex')}`;

  beforeAll(async () => {
    db = await createTestDatabase(server);
    await withRole(serverUrl(server), `CREATE ROLE ${role} LOGIN PASSWORD '${PG_SECRET}'`);
    redis = await startPasswordRedis(REDIS_SECRET);
  });
  afterAll(async () => {
    await redis?.stop();
    await db?.drop();
    await withRole(serverUrl(server), `DROP ROLE IF EXISTS ${role}`);
  });

  const host = () => new URL(db.url);
  const pgForms: Array<[string, () => string]> = [
    ['a ?password= parameter', () => `postgres://${role}@${host().host}/${db.name}?password=${encodeURIComponent(PG_SECRET)}`],
    ['the user part', () => `postgres://${role}:${encodeURIComponent(PG_SECRET)}@${host().host}/${db.name}`],
    ['a keyword/value string', () => `host=${host().hostname} port=${host().port} dbname=${db.name} user=${role} password='${PG_SECRET}'`],
  ];

  it.each(pgForms)('PostgreSQL password in %s, Redis password as ?password=', async (_form, pgUrl) => {
    const redisUrl = `redis://127.0.0.1:${redis.port}/0?password=${encodeURIComponent(REDIS_SECRET)}`;
    const dataDir = await mkdtemp(join(tmpdir(), 'hotpath-secrets-'));
    const cli = startCli(['serve', '--pg', pgUrl(), '--redis', redisUrl, '--data-dir', dataDir, '--port', '0', '--cache-l3', 'off'], {
      HOTPATH_SECRET_KEY: 'secrets-surfaces-key-0123456789abcdef',
    });
    let client: WsEngineClient | undefined;
    try {
      await waitFor('ready', () => (cli.stdout().includes('Hotpath is ready') ? true : undefined), 60_000);
      const base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(cli.stdout())![1]!;
      const wsUrl = /Contract WebSocket: (\S+)/.exec(cli.stdout())![1]!;
      client = await WsEngineClient.connect(new WebSocket(wsUrl));

      const status = await client.call('engine.status', {});
      expect(status.stack).toMatchObject({
        kind: 'remote',
        pgDisplayUrl: expect.stringContaining('****'),
        redisUrl: expect.stringContaining('****'),
      });
      const cacheStatus = await client.call('cache.status', {});
      const saved = await client.call('profiles.save', { name: 'secret-test', pgUrl: pgUrl(), redisUrl, saveSecret: true });
      const list = await client.call('profiles.list', {});
      // The profile still connects the same way: the passwords came back from the encrypted store.
      const reconnected = await client.call('profiles.connect', { id: saved.id });
      expect(reconnected).toMatchObject({ phase: 'ready', profileId: saved.id });
      const onDisk = await readFile(join(dataDir, 'profiles.json'), 'utf8');
      const metrics = await (await fetch(`${base}/metrics`)).text();
      const healthz = await (await fetch(`${base}/healthz`)).text();
      client.close();
      client = undefined;
      cli.child.kill('SIGTERM');
      expect((await cli.exited).code).toBe(0);

      const surfaces: Record<string, string> = {
        stdout: cli.stdout(),
        stderr: cli.stderr(),
        'engine.status': JSON.stringify(status),
        'profiles.connect': JSON.stringify(reconnected),
        'cache.status': JSON.stringify(cacheStatus),
        'profiles.save': JSON.stringify(saved),
        'profiles.list': JSON.stringify(list),
        'profiles.json': onDisk,
        '/metrics': metrics,
        '/healthz': healthz,
      };
      for (const [surface, text] of Object.entries(surfaces)) {
        for (const secret of [...forms(PG_SECRET), ...forms(REDIS_SECRET)]) {
          expect(text.includes(secret), `${surface} shows a password:\n${text}`).toBe(false);
        }
      }
      // It was shown, masked, where the user expects to see the connection.
      expect(cli.stdout()).toMatch(/Connected to .*\*\*\*\*.*Redis redis:\/\/127\.0\.0\.1:\d+\/0\?password=\*\*\*\*/);
    } catch (error) {
      (error as Error).message += `\n--- hotpath stdout ---\n${cli.stdout()}\n--- hotpath stderr ---\n${cli.stderr()}`;
      throw error;
    } finally {
      client?.close();
      if (cli.child.exitCode === null) {
        cli.child.kill('SIGTERM');
        await cli.exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
