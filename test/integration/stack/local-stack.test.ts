import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack } from '../../../main/stack/local/local-stack.ts';
import { localStackPaths } from '../../../main/stack/local/data-dir.ts';
import { readPostmasterPid, readRedisPid } from '../../../main/stack/local/orphan-cleanup.ts';
import { verifyRedis } from '../../../main/stack/redis-probe.ts';
import type { Stack, StackProgress } from '../../../main/stack/stack.ts';
import { aliveAmong, expectStackError } from './support/stack-test-helpers.ts';

async function query<T extends pg.QueryResultRow>(stack: Stack, sql: string): Promise<T[]> {
  const client = new pg.Client(stack.pg);
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function serverPids(dataDir: string): Promise<number[]> {
  const paths = localStackPaths(dataDir);
  return [(await readPostmasterPid(paths))?.pid, (await readRedisPid(paths))?.pid].filter((p): p is number => p !== undefined);
}

describe('startLocalStack', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-local-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts PostgreSQL with pg_stat_statements and a private Redis; stop leaves no process behind', async () => {
    const steps: StackProgress[] = [];
    const stack = await startLocalStack({ dataDir, onProgress: (p) => steps.push(p) });
    let pids: number[];
    try {
      expect(steps.map((s) => s.step)).toEqual([
        'prepare',
        'initialise',
        'start-postgres',
        'create-database',
        'enable-pg-stat-statements',
        'start-redis',
        'ready',
      ]);
      expect(stack.kind).toBe('local');
      expect(stack.pg).toMatchObject({ host: '127.0.0.1', database: 'hotpath' });
      expect(stack.pgDisplayUrl).not.toContain(String(stack.pg.password));
      expect(Math.floor(stack.capabilities.serverVersion / 10000)).toBe(18);
      expect(stack.capabilities.pgStatStatements).toBe(true);
      expect(stack.notices).toEqual([]);

      await query(stack, 'CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)');
      const statements = await query<{ n: string }>(stack, `SELECT count(*) AS n FROM pg_stat_statements WHERE query LIKE '%kept%'`);
      expect(Number(statements[0]?.n)).toBeGreaterThan(0);

      const redis = new Redis(stack.redis!.url, { maxRetriesPerRequest: 0 });
      await redis.set('hotpath:test', 'v');
      expect(await redis.get('hotpath:test')).toBe('v');
      redis.disconnect();
      // The private Redis is password-protected; the wrong one is refused.
      await expectStackError(verifyRedis(stack.redis!.url.replace(/:\/\/:[^@]+@/, '://:wrong@'), 2000), 'auth-failed');

      // Passwords are private to this user.
      expect(statSync(join(dataDir, 'credentials.json')).mode & 0o077).toBe(0);
      // Redis got its password on standard input: not in its config file, not on its command line.
      const redisPassword = decodeURIComponent(new URL(stack.redis!.url).password);
      // (Asserted as booleans, so that a failure does not print the password.)
      expect((await readFile(join(dataDir, 'redis', 'redis.conf'), 'utf8')).includes(redisPassword)).toBe(false);
      const redisPid = (await readRedisPid(localStackPaths(dataDir)))!.pid;
      expect((await readFile(`/proc/${redisPid}/cmdline`, 'utf8')).includes(redisPassword)).toBe(false);
      pids = await serverPids(dataDir);
      expect(pids).toHaveLength(2);
      // The stack names its own server processes (the Memory page shows their memory and CPU).
      expect(stack.processes.map((p) => p.name)).toEqual(['postgres', 'redis']);
      expect(stack.processes.map((p) => p.pid).sort()).toEqual([...pids].sort());
      expect(await aliveAmong(pids)).toEqual(pids);
    } finally {
      await stack.stop();
    }
    expect(await aliveAmong(pids)).toEqual([]);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    expect(existsSync(join(dataDir, 'redis', 'redis-server.pid'))).toBe(false);
    expect(existsSync(join(dataDir, 'hotpath-owner.pid'))).toBe(false);
    // stop() is idempotent.
    await stack.stop();
  });

  it('restarts on the same folder re-using the data, the password and the database', async () => {
    const password = JSON.parse(await readFile(join(dataDir, 'credentials.json'), 'utf8')).postgresPassword;
    const steps: string[] = [];
    const stack = await startLocalStack({ dataDir, onProgress: (p) => steps.push(p.step) });
    try {
      expect(steps).not.toContain('initialise');
      expect(steps).not.toContain('create-database');
      expect(stack.pg.password).toBe(password);
      expect(await query<{ v: number }>(stack, 'SELECT v FROM kept')).toEqual([{ v: 42 }]);
    } finally {
      await stack.stop();
    }
  });

  it('refuses a second start of a running stack instead of stopping it', async () => {
    const stack = await startLocalStack({ dataDir, redis: 'off' });
    try {
      await expectStackError(startLocalStack({ dataDir }), 'local-stack-in-use');
      expect(await query<{ v: number }>(stack, 'SELECT v FROM kept')).toEqual([{ v: 42 }]);
    } finally {
      await stack.stop();
    }
  });

  it("redis 'off' runs without Redis and says L2 is disabled", async () => {
    const stack = await startLocalStack({ dataDir, redis: 'off' });
    try {
      expect(stack.redis).toBeNull();
      expect(stack.processes.map((p) => p.name)).toEqual(['postgres']);
      expect(stack.notices.map((n) => n.code)).toEqual(['redis-off']);
      expect(stack.notices[0]?.message).toContain('L2 disabled');
      expect(await readRedisPid(localStackPaths(dataDir))).toBeUndefined();
    } finally {
      await stack.stop();
    }
  });

  it('without redis-server on the search path it says so and how to add it', async () => {
    const emptyBin = await mkdtemp(join(tmpdir(), 'hotpath-nobin-'));
    const stack = await startLocalStack({ dataDir, redisSearchPath: emptyBin });
    try {
      expect(stack.redis).toBeNull();
      const notice = stack.notices.find((n) => n.code === 'redis-not-found');
      expect(notice?.message).toBe('Redis not found (no redis-server on the PATH): L2 disabled.');
      expect(notice?.hint).toMatch(/apt install redis-server/);
      expect(notice?.hint).toMatch(/brew install redis/);
      expect(notice?.hint).toMatch(/--redis/);
    } finally {
      await stack.stop();
      await rm(emptyBin, { recursive: true, force: true });
    }
  });
});
