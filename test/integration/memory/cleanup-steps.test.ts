import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TieredCache } from '../../../main/cache/tiered/tiered-cache.ts';
import {
  collectGarbage,
  emptyL1,
  poolToMinimum,
  purgeExpiredL1,
  restoreL1,
  restorePool,
  shrinkL1,
  trimPool,
} from '../../../main/memory/cleanup-steps.ts';
import { poolManagerReclaimer, tieredCacheReclaimer } from '../../../main/engine/memory-reclaimers.ts';
import { ResourceSampler } from '../../../main/memory/resource-sampler.ts';
import { PoolManager } from '../../../main/pool/index.ts';
import { TEST_SERVERS, createTestDatabase, serverUrl, type TestDatabase } from '../../support/databases.ts';
import { waitFor } from '../../support/wait-for.ts';

const MiB = 1024 * 1024;
const VALUE = (key: string) => key.padEnd(10 * 1024, '.');

function exposedCollector(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  v8.setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function filledCache(entries: number, clock: () => number, ttlMs = 60_000): Promise<TieredCache> {
  const cache = new TieredCache({ defaultTtlMs: ttlMs, ttlJitter: 0, l1: { maxBytes: 256 * MiB }, clock });
  for (let i = 0; i < entries; i += 1) await cache.set(`k${i}`, VALUE(`k${i}`));
  return cache;
}

describe('cleanup steps on a real TieredCache', () => {
  it('purgeExpiredL1 drops exactly the expired entries', async () => {
    let now = 1_000;
    const cache = await filledCache(500, () => now, 10_000);
    now += 5_000;
    for (let i = 500; i < 800; i += 1) await cache.set(`k${i}`, VALUE(`k${i}`)); // still fresh later
    now += 6_000;
    const result = await purgeExpiredL1(tieredCacheReclaimer(cache, 256 * MiB));
    expect(result).toMatchObject({ step: 'purgeExpiredL1', status: 'done', detail: 'dropped 500 expired L1 entries' });
    expect(cache.stats().tiers.l1!.store.entries).toBe(300);
  });

  it('shrinkL1 evicts down to the target at once, and the L1 then stays within it', async () => {
    const cache = await filledCache(3_000, Date.now);
    const reclaimer = tieredCacheReclaimer(cache, 256 * MiB);
    const held = reclaimer.l1Bytes();
    expect(held).toBeGreaterThan(25 * MiB);
    const result = await shrinkL1(reclaimer, 8 * MiB);
    expect(result.status).toBe('done');
    expect(reclaimer.l1Bytes()).toBeLessThanOrEqual(8 * MiB);
    for (let i = 3_000; i < 5_000; i += 1) await cache.set(`k${i}`, VALUE(`k${i}`));
    expect(reclaimer.l1Bytes()).toBeLessThanOrEqual(8 * MiB);
    expect(await cache.getOrLoad('k4999', async () => 'reloaded')).toBe(VALUE('k4999'));
  });

  it('emptyL1 empties the L1 and holds it at the floor; restoreL1 gives it its size back', async () => {
    const cache = await filledCache(2_000, Date.now);
    const reclaimer = tieredCacheReclaimer(cache, 256 * MiB);
    const result = await emptyL1(reclaimer, 2 * MiB);
    expect(result).toMatchObject({ step: 'emptyL1', status: 'done' });
    expect(reclaimer.l1Bytes()).toBe(0);
    expect(reclaimer.l1MaxBytes()).toBe(2 * MiB);
    for (let i = 0; i < 1_000; i += 1) await cache.set(`k${i}`, VALUE(`k${i}`));
    expect(reclaimer.l1Bytes()).toBeLessThanOrEqual(2 * MiB);
    expect((await restoreL1(reclaimer, reclaimer.l1ConfiguredBytes())).status).toBe('done');
    expect(reclaimer.l1MaxBytes()).toBe(256 * MiB);
  });

  it("collectGarbage after emptying the L1 gives the entries' heap back, and reports it", async () => {
    const gc = exposedCollector();
    const cache = await filledCache(8_000, Date.now); // ≈ 80 MiB of values
    const reclaimer = tieredCacheReclaimer(cache, 256 * MiB);
    gc();
    const emptied = await emptyL1(reclaimer, 0, { gc });
    const collected = await collectGarbage({ gc });
    expect(emptied.freedHeapBytes).toBeLessThan(10 * MiB); // letting go of entries frees nothing by itself …
    expect(collected).toMatchObject({ step: 'collectGarbage', status: 'done' });
    expect(collected.freedHeapBytes).toBeGreaterThan(50 * MiB); // … the collection does
  });
});

describe.each(TEST_SERVERS)('pool steps on a node-postgres Pool on %s', (server) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(server);
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function serverConnections(applicationName: string): Promise<number> {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const result = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [
        applicationName,
      ]);
      return result.rows[0]!.n;
    } finally {
      await client.end();
    }
  }

  /** Makes the pool open `count` connections at once, then returns them idle. */
  async function openConnections(pool: PoolManager, count: number): Promise<void> {
    const held = await Promise.all(Array.from({ length: count }, () => pool.acquire('normal')));
    for (const connection of held) connection.release();
  }

  it('trimPool closes idle connections above the minimum, on the server too', async () => {
    const name = `hotpath-memory-trim-${server}`;
    const pool = await PoolManager.open({ connection: { connectionString: db.url }, min: 1, max: 6, applicationName: name });
    try {
      await openConnections(pool, 5);
      await waitFor('the server to see 5 connections', async () => ((await serverConnections(name)) === 5 ? true : undefined));
      const result = await trimPool(poolManagerReclaimer(() => pool));
      expect(result).toMatchObject({ status: 'done', detail: 'closed 4 idle pool connections above the minimum' });
      await waitFor('the server to see 1 connection', async () => ((await serverConnections(name)) === 1 ? true : undefined));
      expect((await trimPool(poolManagerReclaimer(() => pool))).status).toBe('skipped');
    } finally {
      await pool.close();
    }
  });

  it('poolToMinimum holds the pool at its minimum without failing queries; restorePool lets it grow again', async () => {
    const pool = await PoolManager.open({
      connection: { connectionString: db.url },
      min: 1,
      max: 6,
      applicationName: `hotpath-memory-min-${server}`,
    });
    const reclaimer = poolManagerReclaimer(() => pool);
    try {
      await openConnections(pool, 4);
      expect((await poolToMinimum(reclaimer)).detail).toBe('pool held at its minimum; closed 3 connections');
      expect(pool.size().max).toBe(1);
      const held = await Promise.all(
        Array.from({ length: 10 }, (_, i) => pool.query('normal', { text: 'SELECT $1::int AS i, pg_sleep(0.01)', values: [i] })),
      );
      expect(held.map((r) => r.rows[0].i)).toEqual([...Array(10).keys()]);
      await restorePool(reclaimer);
      expect(pool.size().max).toBe(6);
      await openConnections(pool, 4);
    } finally {
      await pool.close();
    }
  });
});

describe('ResourceSampler on this machine', () => {
  it('reads this process, the event loop, the machine, and the PostgreSQL and Redis processes', async () => {
    const client = new pg.Client({ connectionString: serverUrl('pg15') });
    await client.connect();
    const redis = new Redis(inject('redisUrl'), { lazyConnect: true });
    const sampler = new ResourceSampler();
    try {
      const backend = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      // The backend's parent is the postmaster.
      const stat = readFileSync(`/proc/${backend}/stat`, 'utf8');
      const postmaster = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      await redis.connect();
      const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))![1]);
      sampler.setChildren([
        { name: 'postgres', pid: postmaster },
        { name: 'redis', pid: redisPid },
        { name: 'redis', pid: 2 ** 22 + 12_345 },
      ]);

      const first = await sampler.sample();
      await client.query('SELECT count(*) FROM generate_series(1, 200000)');
      const second = await sampler.sample();

      expect(second.process.rssBytes).toBeGreaterThan(second.process.heapUsedBytes);
      expect(second.process.heapLimitBytes).toBeGreaterThan(second.process.heapTotalBytes);
      expect(second.process.cpuPercent).toBeGreaterThanOrEqual(0);
      expect(second.eventLoop.utilization).toBeGreaterThanOrEqual(0);
      expect(second.eventLoop.utilization).toBeLessThanOrEqual(1);
      expect(second.eventLoop.delayP99Ms).toBeGreaterThanOrEqual(second.eventLoop.delayP50Ms);
      expect(second.machine.availableBytes).toBeGreaterThan(0);
      expect(second.machine.availableBytes).toBeLessThan(second.machine.totalBytes);
      expect(second.machine.cores).toBeGreaterThanOrEqual(1);

      const [pgFirst, pgSecond] = [first.children[0]!, second.children[0]!];
      expect(pgFirst.cpuPercent).toBeNull(); // no previous reading to compare with
      expect(pgSecond.rssBytes).toBeGreaterThan(MiB);
      expect(pgSecond.processes).toBeGreaterThan(2); // the postmaster, its workers, our backend
      expect(pgSecond.cpuPercent).toBeGreaterThanOrEqual(0);
      expect(second.children[1]).toMatchObject({ name: 'redis', pid: redisPid, processes: 1 });
      expect(second.children[1]!.rssBytes).toBeGreaterThan(0);
      expect(second.children[2]).toEqual({ name: 'redis', pid: 2 ** 22 + 12_345, rssBytes: null, cpuPercent: null, processes: 0 });
    } finally {
      sampler.close();
      redis.disconnect();
      await client.end();
    }
  });
});
