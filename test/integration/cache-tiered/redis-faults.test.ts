import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisTier } from '../../../main/cache/l2/redis-tier.ts';
import { RedisInvalidationBus } from '../../../main/cache/tiered/invalidation-bus.ts';
import { TieredCache } from '../../../main/cache/tiered/tiered-cache.ts';
import { waitFor } from '../../support/wait-for.ts';
import { startPrivateRedis, type PrivateRedis } from '../cache-l2/private-redis-server.ts';

// The whole cache (L1 + Redis L2 + the Redis invalidation bus, wired as the engine wires them: one breaker
// for the one Redis) against a private redis-server that these tests freeze (SIGSTOP) and kill (SIGKILL).
// Assertions are on counts and states, never on durations.

let server: PrivateRedis;
beforeAll(async () => {
  server = await startPrivateRedis();
});
afterAll(async () => {
  await server.thaw();
  await server.stop();
});

interface Logged {
  level: string;
  message: string;
}

const CONSECUTIVE = 3;

function wire(options: { breakerNow?: () => number; coolDownMs: number; logged: Logged[] }) {
  const l2 = new RedisTier({
    target: { kind: 'standalone', url: server.url },
    keyPrefix: `faults-${Math.random().toString(36).slice(2, 8)}:`,
    defaultTtlMs: 60_000,
    ttlJitter: 0,
    connection: { commandTimeoutMs: 300, connectTimeoutMs: 500, maxReconnectDelayMs: 200 },
    breaker: {
      consecutiveFailures: CONSECUTIVE,
      coolDownMs: options.coolDownMs,
      ...(options.breakerNow ? { now: options.breakerNow } : {}),
    },
    name: 'redis://test',
    log: (level: string, message: string) => void options.logged.push({ level, message }),
  });
  const bus = new RedisInvalidationBus({ url: server.url, channel: 'faults:invalidate', commandTimeoutMs: 300, guard: l2.guard });
  const cache = new TieredCache({ l1: { maxBytes: 64 * 1024 }, l2, bus, defaultTtlMs: 60_000 });
  return { l2, bus, cache };
}

describe('TieredCache with its Redis frozen or killed', () => {
  it('frozen (SIGSTOP): every miss completes through the loader, the breaker opens and no Redis call is attempted while it is open; thawed, it closes', async () => {
    let breakerNow = 0;
    const logged: Logged[] = [];
    const { l2, bus, cache } = wire({ breakerNow: () => breakerNow, coolDownMs: 1_000, logged });
    expect(await l2.ready(5_000)).toBe(true);
    expect(await bus.ready(5_000)).toBe(true);
    try {
      server.freeze();
      const MISSES = 20;
      let loads = 0;
      let attemptedWhenOpen: number | undefined;
      for (let i = 0; i < MISSES; i += 1) {
        const value = await cache.getOrLoad(`frozen:${i}`, async () => {
          loads += 1;
          return { i };
        });
        expect(value).toEqual({ i });
        if (attemptedWhenOpen === undefined && l2.stats().breakerState === 'open') attemptedWhenOpen = l2.guard?.attempted;
      }
      expect(loads).toBe(MISSES);
      expect(l2.stats().breakerState).toBe('open');
      // A read-through fill publishes no invalidation (it changes nothing); deletes do, and their publishes go
      // through the breaker too (they used to bypass it: one timed-out PUBLISH each).
      const DELETES = 5;
      for (let i = 0; i < DELETES; i += 1) await cache.delete(`frozen:${i}`);
      // Calls that reached the frozen server: those that opened the breaker and the few already on their way.
      await cache.idle();
      const reachedRedis = l2.stats().errors + bus.errors;
      expect(reachedRedis).toBeLessThanOrEqual(CONSECUTIVE + 2);
      // Not one call was sent after the breaker opened (it stays open: its clock does not move).
      expect(attemptedWhenOpen).toBeDefined();
      expect(l2.guard.attempted).toBe(attemptedWhenOpen);
      expect(l2.guard.attempted).toBeLessThanOrEqual(CONSECUTIVE + 2);
      expect(bus.shortCircuited).toBe(DELETES);
      expect(l2.stats().shortCircuited).toBeGreaterThanOrEqual(MISSES - CONSECUTIVE - 2);
      // Nothing is left waiting on the frozen server once the cache is idle.
      expect(l2.guard.inFlight).toBe(0);
      expect(logged.filter((l) => l.level === 'warn')).toHaveLength(1);

      server.thaw();
      breakerNow += 1_000;
      expect(l2.stats().breakerState).toBe('half-open');
      await waitFor(
        'the breaker to close',
        async () => {
          await cache.getOrLoad(`thawed:${Math.random()}`, async () => 'v');
          return l2.stats().breakerState === 'closed' ? true : undefined;
        },
        20_000,
      );
      // closed → open → half-open → closed; probes that failed would add open/half-open pairs.
      expect(l2.stats().breakerTransitions).toBe(3);
      expect(logged.map((l) => l.level)).toEqual(['warn', 'info']);
      expect(logged[1]!.message).toMatch(/answers again after/);
    } finally {
      server.thaw();
      await cache.close();
      await Promise.all([l2.close(), bus.close()]);
    }
  });

  it('killed (SIGKILL) and restarted under reads: no read fails, one line says Redis stopped answering and one that it is back', async () => {
    const logged: Logged[] = [];
    const { l2, bus, cache } = wire({ coolDownMs: 200, logged });
    expect(await l2.ready(5_000)).toBe(true);
    expect(await bus.ready(5_000)).toBe(true);
    let running = true;
    let reads = 0;
    let failed = 0;
    let wrong = 0;
    const worker = async (id: number): Promise<void> => {
      for (let round = 0; running; round += 1) {
        const key = `killed:${(id * 7919 + round * 104_729) % 1_000}`;
        try {
          // About 700 bytes a value: a thousand keys are ten times the L1, so most reads go down to Redis.
          const value = await cache.getOrLoad(key, async () => ({ key, payload: 'x'.repeat(600) }));
          if ((value as { key: string }).key !== key) wrong += 1;
        } catch {
          failed += 1;
        }
        reads += 1;
        if (round % 4 === 0) await nextTurn();
      }
    };
    const workers = Array.from({ length: 20 }, (_, id) => worker(id));
    const l2Hits = (): number => cache.stats().tiers.l2?.hits ?? 0;
    try {
      await waitFor('L2 hits before the kill', () => (l2Hits() > 500 ? true : undefined), 30_000);
      expect(logged).toEqual([]);
      await server.kill();
      await waitFor('the breaker to open', () => (l2.stats().breakerState !== 'closed' ? true : undefined), 10_000);
      const readsAtKill = reads;
      await waitFor('reads to go on during the outage', () => (reads > readsAtKill + 2_000 ? true : undefined), 30_000);
      await server.restart();
      await waitFor('the breaker to close', () => (l2.stats().breakerState === 'closed' ? true : undefined), 20_000);
      const hitsAfter = l2Hits();
      await waitFor('L2 hits after the restart', () => (l2Hits() > hitsAfter + 200 ? true : undefined), 30_000);
    } finally {
      running = false;
      await Promise.all(workers);
      await cache.close();
      await Promise.all([l2.close(), bus.close()]);
    }
    expect(failed).toBe(0);
    expect(wrong).toBe(0);
    // Thousands of short-circuited calls and several failed probes, but one line per state change of the outage.
    expect(l2.stats().shortCircuited).toBeGreaterThan(100);
    expect(logged.map((l) => l.level)).toEqual(['warn', 'info']);
    expect(logged[0]!.message).toMatch(/redis:\/\/test stopped answering/);
    // Why: the failed call's error (which one comes first depends on where each call was when the socket died).
    expect(logged[0]!.message).toMatch(/\(\d+ failures in a row; last error: (?!none)[^;)]+/);
    expect(logged[1]!.message).toMatch(/redis:\/\/test answers again after \d+(\.\d)? s/);
  });
});
