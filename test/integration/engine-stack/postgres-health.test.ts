import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Engine } from '../../../main/engine/engine.ts';
import { startHeadlessServer, type HeadlessServer } from '../../../app/server/headless-server.ts';
import type { LogEntry } from '../../../main/contract/status.ts';
import { TEST_SERVERS } from '../../support/databases.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres.ts';
import { startPrivateRedis, type PrivateRedis } from '../cache-l2/private-redis-server.ts';
import { waitFor } from '../../support/wait-for.ts';

/** Point reads through the cache, so Redis is used (and its failure noticed by the cache's breaker). */
const CACHED_PROFILE = `name: cached
rate: 100
templates:
  - name: by_id
    weight: 1
    cache:
      ttlSeconds: 1
    sql: SELECT id, note FROM public.items WHERE id = $1
    params:
      - kind: int
        min: 1
        max: 100000
`;

describe.each(TEST_SERVERS)("health follows the stack's servers (%s)", (server) => {
  let postgres: PrivatePostgres;
  let redis: PrivateRedis;
  let dataDir: string;
  let engine: Engine;
  let host: HeadlessServer;
  const logs: LogEntry[] = [];

  const healthz = async () => {
    const res = await fetch(`${host.url}/healthz`);
    return { code: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    postgres = await startPrivatePostgres(server);
    redis = await startPrivateRedis();
    const setup = new pg.Client({ connectionString: postgres.url });
    await setup.connect();
    await setup.query(
      'CREATE TABLE public.items (id int PRIMARY KEY, note text); INSERT INTO public.items SELECT g, md5(g::text) FROM generate_series(1, 100000) g',
    );
    await setup.end();
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-health-'));
    await writeFile(join(dataDir, 'cached.yaml'), CACHED_PROFILE);
    engine = new Engine({ dataDir, workloadSeed: 5 });
    engine.subscribe('engine.log', (entry) => logs.push(entry));
    host = await startHeadlessServer({ engine, port: 0 });
  });
  afterAll(async () => {
    await host?.close();
    await engine?.stop();
    await redis?.stop();
    await postgres?.destroy();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is ready with both servers up', async () => {
    await engine.call('stack.connect', { pgUrl: postgres.url, redisUrl: redis.url });
    await engine.call('workload.start', { profile: join(dataDir, 'cached.yaml') });
    expect(await healthz()).toMatchObject({ code: 200, body: { status: 'ready', postgres: 'up', redis: 'up', problem: null } });
    expect((await engine.call('engine.status', {})).health).toMatchObject({ postgres: 'up', redis: 'up' });
  });

  it('turns unready, saying PostgreSQL is down, while PostgreSQL is stopped, and ready again when it is back', async () => {
    await postgres.stop();
    const down = await waitFor('/healthz to say PostgreSQL is down', async () => {
      const h = await healthz();
      return h.code === 503 ? h : undefined;
    });
    expect(down.body).toMatchObject({
      status: 'unready',
      postgres: 'down',
      problem: expect.stringContaining('PostgreSQL does not answer'),
    });
    const status = await engine.call('engine.status', {});
    expect(status.health).toMatchObject({ postgres: 'down', problem: expect.stringContaining('PostgreSQL') });
    expect(logs.some((l) => l.level === 'error' && l.message.includes('PostgreSQL does not answer'))).toBe(true);

    await postgres.start();
    const up = await waitFor(
      '/healthz to be ready again',
      async () => {
        const h = await healthz();
        return h.code === 200 ? h : undefined;
      },
      60_000,
    );
    expect(up.body).toMatchObject({ status: 'ready', postgres: 'up' });
    expect(logs.some((l) => l.message.includes('PostgreSQL answers again'))).toBe(true);
    expect((await engine.call('engine.status', {})).health).toMatchObject({ postgres: 'up', problem: null });
  });

  it('is degraded, not unready, while Redis is down (the cache reads through to PostgreSQL)', async () => {
    await redis.kill();
    const degraded = await waitFor(
      '/healthz to say Redis is down',
      async () => {
        const h = await healthz();
        return h.body.status === 'degraded' ? h : undefined;
      },
      60_000,
    );
    expect(degraded).toMatchObject({ code: 200, body: { postgres: 'up', redis: 'down', problem: expect.stringContaining('Redis') } });
    expect((await engine.call('engine.status', {})).workload.running).toBe(true);
  });
});
