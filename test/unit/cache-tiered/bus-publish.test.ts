import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { InvalidationBus, InvalidationMessage } from '../../../main/cache/tiered/invalidation-bus.ts';
import { TieredCache } from '../../../main/cache/tiered/tiered-cache.ts';
import { deferred, fakeClock, FakeL2 } from './fakes.ts';

/** A bus whose publishes hang until released: a Redis that accepts bytes and never answers. */
class HangingBus implements InvalidationBus {
  readonly pending: Array<{ message: InvalidationMessage; release: () => void }> = [];

  publish(message: InvalidationMessage): Promise<void> {
    const gate = deferred<void>();
    this.pending.push({ message, release: () => gate.resolve() });
    return gate.promise;
  }

  subscribe(): () => void {
    return () => undefined;
  }
}

/** Settles `promise` within `turns` event-loop turns or reports that it did not: a count, not a duration. */
async function settlesWithin<T>(promise: Promise<T>, turns: number): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < turns && !settled; i += 1) await nextTurn();
  return settled;
}

describe('TieredCache and its invalidation bus', () => {
  it('a set and a delete return without waiting for the invalidation publish, a miss publishes nothing; idle() waits for it', async () => {
    const clock = fakeClock();
    const bus = new HangingBus();
    const cache = new TieredCache({ l1: { maxBytes: 1 << 20 }, l2: new FakeL2(clock.now), bus, defaultTtlMs: 60_000, clock: clock.now });
    expect(
      await settlesWithin(
        cache.getOrLoad('k', async () => 'v'),
        20,
      ),
    ).toBe(true);
    expect(await settlesWithin(cache.set('k2', 'v2'), 20)).toBe(true);
    expect(await settlesWithin(cache.delete('k'), 20)).toBe(true);
    expect(await settlesWithin(cache.invalidatePrefix('p:'), 20)).toBe(true);
    // The miss filled the tiers with what the source holds: a change for nobody, so no message.
    expect(bus.pending.map((p) => p.message)).toEqual([
      { origin: cache.instanceId, keys: ['k2'] },
      { origin: cache.instanceId, keys: ['k'] },
      { origin: cache.instanceId, prefix: 'p:' },
    ]);
    // This instance is already right: the loaded value is served from L1 without another load.
    let loads = 0;
    expect(await cache.getOrLoad('k2', async () => (loads += 1))).toBe('v2');
    expect(loads).toBe(0);
    const idle = cache.idle();
    expect(await settlesWithin(idle, 20)).toBe(false);
    for (const p of bus.pending) p.release();
    expect(await settlesWithin(idle, 20)).toBe(true);
  });

  it('messages waiting on a bus that does not answer are capped: the rest are dropped and counted, never queued without bound', async () => {
    const clock = fakeClock();
    const bus = new HangingBus();
    const cache = new TieredCache({ l1: { maxBytes: 1 << 20 }, bus, defaultTtlMs: 60_000, clock: clock.now });
    for (let i = 0; i < 1_200; i += 1) await cache.set(`k${i}`, i);
    await nextTurn();
    expect(bus.pending).toHaveLength(1_000);
    expect(cache.stats().busPublishesDropped).toBe(200);
    for (const p of bus.pending) p.release();
    await cache.idle();
    await cache.set('after', 1);
    await nextTurn();
    expect(bus.pending).toHaveLength(1_001);
  });

  it('a bus that throws or rejects costs the message, never the call', async () => {
    const clock = fakeClock();
    const throwing: InvalidationBus = {
      publish: () => {
        throw new Error('synchronous failure');
      },
      subscribe: () => () => undefined,
    };
    const rejecting: InvalidationBus = { publish: async () => Promise.reject(new Error('down')), subscribe: () => () => undefined };
    for (const bus of [throwing, rejecting]) {
      const cache = new TieredCache({ l1: { maxBytes: 1 << 20 }, bus, defaultTtlMs: 60_000, clock: clock.now });
      expect(await cache.getOrLoad('k', async () => 'v')).toBe('v');
      await cache.delete('k');
      await cache.idle();
      expect(await cache.get('k')).toBeUndefined();
    }
  });
});
