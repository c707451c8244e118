import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisTier } from '../../../main/cache/l2/redis-tier.ts';
import { waitFor } from '../../support/wait-for.ts';
import { startPrivateRedis } from './private-redis-server.ts';
import type { PrivateRedis } from './private-redis-server.ts';

// A private redis-server that this test kills with SIGKILL mid-load and restarts on the same port.
let server: PrivateRedis;

beforeAll(async () => {
  server = await startPrivateRedis();
});

afterAll(async () => {
  await server.stop();
});

interface Load {
  /** Calls started and settled (resolved or rejected). */
  settled: number;
  /** Promises the tier rejected: must stay 0. */
  rejected: number;
  /**
   * Gets that returned a value among the calls started after the last `mark()`. A call started before the
   * outage can still be settling after it: its get hit, and its set waits out the command timeout.
   */
  valuesSinceMark: number;
  mark: () => void;
  stop: () => Promise<void>;
}

/**
 * WORKERS concurrent loops of get-then-set over a small key space, so a few thousand calls are in flight
 * at any moment. Each loop yields to the event loop once per round: when the breaker is open the tier
 * answers from resolved promises, and a loop of pure microtasks would starve every timer and socket.
 */
function startLoad(tier: RedisTier, workers: number): Load {
  let running = true;
  let epoch = 0;
  const load: Load = {
    settled: 0,
    rejected: 0,
    valuesSinceMark: 0,
    mark: () => {
      epoch += 1;
      load.valuesSinceMark = 0;
    },
    stop: async () => undefined,
  };
  const track = <T>(promise: Promise<T>): Promise<T | undefined> =>
    promise.then(
      (value) => {
        load.settled += 1;
        return value;
      },
      () => {
        load.settled += 1;
        load.rejected += 1;
        return undefined;
      },
    );
  const loop = async (id: number): Promise<void> => {
    for (let round = 0; running; round++) {
      const key = `k:${(id * 31 + round) % 1_000}`;
      const startedIn = epoch;
      const [value] = await Promise.all([
        track(tier.get(key)),
        track(tier.set(`k:${(id + round) % 1_000}`, { id, round, at: new Date() })),
      ]);
      if (value !== undefined && startedIn === epoch) load.valuesSinceMark += 1;
      await nextTurn();
    }
  };
  const loops = Array.from({ length: workers }, (_, id) => loop(id));
  load.stop = async () => {
    running = false;
    await Promise.all(loops);
  };
  return load;
}

/**
 * A cold process (JIT, first connection buffers) can take longer over its first burst of thousands of
 * calls than the command timeout, which would open the breaker before any outage: warm up with smaller
 * bursts first, so that the test's precondition (closed, no transitions yet) holds.
 */
async function warmUp(tier: RedisTier): Promise<void> {
  for (let burst = 0; burst < 5; burst++) {
    await Promise.all(Array.from({ length: 200 }, (_, i) => tier.set(`warm:${i}`, { i, at: new Date() })));
    await Promise.all(Array.from({ length: 200 }, (_, i) => tier.get(`warm:${i}`)));
  }
}

async function settledAtLeast(load: Load, more: number, what: string): Promise<void> {
  const target = load.settled + more;
  await waitFor(what, () => (load.settled >= target ? true : undefined), 20_000);
}

function newTier(): RedisTier {
  return new RedisTier({
    target: { kind: 'standalone', url: server.url },
    keyPrefix: 'outage:',
    defaultTtlMs: 60_000,
    ttlJitter: 0.1,
    // Generous for a healthy server: thousands of calls in flight keep this process' event loop busy, and a
    // late timer counts as a timeout too (see warmUp).
    connection: { commandTimeoutMs: 1_000, connectTimeoutMs: 500, maxReconnectDelayMs: 200 },
    breaker: { consecutiveFailures: 5, coolDownMs: 300 },
  });
}

describe('RedisTier through a Redis outage', () => {
  it('kill -9 mid-load: never rejects, gets become misses, the breaker opens; restart: it closes and hits return', async () => {
    const tier = newTier();
    expect(await tier.ready(5_000)).toBe(true);
    await warmUp(tier);
    const load = startLoad(tier, 1_000); // 2,000 calls in flight
    let killed = false;
    try {
      // Healthy: values come back.
      await waitFor('hits before the outage', () => (tier.stats().hits > 1_000 ? true : undefined), 20_000);
      // Whatever opens the breaker from here on is the outage.
      expect(tier.stats().breakerTransitions).toBe(0);

      await server.kill();
      killed = true;
      await waitFor('the breaker to open', () => (tier.stats().breakerTransitions >= 1 ? true : undefined), 10_000);
      await waitFor('short-circuited calls', () => (tier.stats().shortCircuited > 1_000 ? true : undefined), 20_000);

      // While Redis is down, calls keep settling and every get is a miss.
      const hitsWhileDown = tier.stats().hits;
      load.mark();
      await settledAtLeast(load, 6_000, 'calls to keep settling during the outage');
      expect(tier.stats().hits).toBe(hitsWhileDown);
      expect(load.valuesSinceMark).toBe(0);
      expect(tier.stats().breakerState).not.toBe('closed');
      expect(tier.stats().errors).toBeGreaterThan(0);

      await server.restart();
      killed = false;
      await waitFor('the breaker to close', () => (tier.stats().breakerState === 'closed' ? true : undefined), 20_000);
      // The restarted server is empty (no persistence); the load's own sets refill it, then gets hit again.
      const hitsAfterRestart = tier.stats().hits;
      await waitFor('hits after the restart', () => (tier.stats().hits > hitsAfterRestart + 1_000 ? true : undefined), 20_000);
      expect(tier.stats().breakerState).toBe('closed');
    } finally {
      await load.stop();
      await tier.close();
      // A failure mid-outage must not leave the next test without a server.
      if (killed) await server.restart();
    }
    expect(load.rejected).toBe(0);
    expect(load.settled).toBeGreaterThan(10_000);
  });

  it('a frozen server (SIGSTOP) costs timeouts, not hangs or errors; thawed, it serves again', async () => {
    const tier = newTier();
    expect(await tier.ready(5_000)).toBe(true);
    await warmUp(tier);
    const load = startLoad(tier, 500);
    try {
      await waitFor('hits before the freeze', () => (tier.stats().hits > 500 ? true : undefined), 20_000);
      const errorsBefore = tier.stats().errors;
      server.freeze();
      // Nothing answers, yet calls keep settling: the command timeout ends each one, then the breaker opens.
      await waitFor('the breaker to open', () => (tier.stats().breakerState !== 'closed' ? true : undefined), 10_000);
      expect(tier.stats().errors).toBeGreaterThan(errorsBefore);
      load.mark();
      await settledAtLeast(load, 3_000, 'calls to keep settling while the server is frozen');
      expect(load.valuesSinceMark).toBe(0);

      server.thaw();
      await waitFor('the breaker to close', () => (tier.stats().breakerState === 'closed' ? true : undefined), 20_000);
      const hitsAfterThaw = tier.stats().hits;
      await waitFor('hits after the thaw', () => (tier.stats().hits > hitsAfterThaw + 500 ? true : undefined), 20_000);
    } finally {
      server.thaw();
      await load.stop();
      await tier.close();
    }
    expect(load.rejected).toBe(0);
  });
});
