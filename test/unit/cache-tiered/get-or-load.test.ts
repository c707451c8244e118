import { describe, expect, it } from 'vitest';
import { TieredCache } from '../../../main/cache/tiered/tiered-cache.ts';
import { deferred, fakeClock, FakeL2, FakeL3 } from './fakes.ts';

function stack() {
  const clock = fakeClock();
  const l2 = new FakeL2(clock.now);
  const cache = new TieredCache({
    l1: { maxBytes: 1 << 20 },
    l2,
    l3: new FakeL3(clock.now),
    defaultTtlMs: 10_000,
    ttlJitter: 0,
    clock: clock.now,
  });
  return { clock, l2, cache };
}

describe('TieredCache.getOrLoad single-flight', () => {
  it('1,000 concurrent callers of one key share one loader call and one value', async () => {
    const { cache } = stack();
    const gate = deferred<{ id: number }>();
    let calls = 0;
    const loader = (): Promise<{ id: number }> => {
      calls += 1;
      return gate.promise;
    };
    const callers = Array.from({ length: 1000 }, () => cache.getOrLoad('user:1', loader));
    gate.resolve({ id: 1 });
    const values = await Promise.all(callers);
    expect(calls).toBe(1);
    expect(values.every((value) => value.id === 1)).toBe(true);
    expect(cache.stats()).toMatchObject({ loads: 1, misses: 1000, singleFlightJoined: 999 });
    // Stored: the next call is an L1 hit and no load.
    expect(await cache.getOrLoad('user:1', loader)).toEqual({ id: 1 });
    expect(calls).toBe(1);
  });

  it('different keys load independently', async () => {
    const { cache } = stack();
    const loaded: string[] = [];
    await Promise.all(
      ['a', 'b', 'a'].map((key) =>
        cache.getOrLoad(key, async () => {
          loaded.push(key);
          return key;
        }),
      ),
    );
    expect(loaded.sort()).toEqual(['a', 'b']);
  });

  it('a failure reaches every waiting caller and is not cached: the next call loads again', async () => {
    const { cache } = stack();
    const gate = deferred<number>();
    let calls = 0;
    const failing = (): Promise<number> => {
      calls += 1;
      return gate.promise;
    };
    const callers = Array.from({ length: 5 }, () => cache.getOrLoad('k', failing));
    gate.reject(new Error('origin down'));
    for (const caller of callers) await expect(caller).rejects.toThrow('origin down');
    expect(calls).toBe(1);
    expect(await cache.getOrLoad('k', async () => 42)).toBe(42);
    expect(cache.stats()).toMatchObject({ loads: 2, loadErrors: 1 });
  });

  it('returns but does not store a load overtaken by a delete, a set or a bus invalidation', async () => {
    const { cache, l2 } = stack();
    for (const overtake of [
      (key: string) => cache.delete(key),
      (key: string) => cache.set(key, 'newer'),
      () => cache.invalidatePrefix('k'),
    ]) {
      await cache.delete('k');
      const gate = deferred<string>();
      const started = deferred<void>();
      const pending = cache.getOrLoad('k', () => {
        started.resolve();
        return gate.promise;
      });
      await started.promise;
      await overtake('k');
      gate.resolve('older');
      expect(await pending).toBe('older');
      expect(await cache.get('k')).not.toBe('older');
      expect((l2.store.get('k')?.value as { v?: unknown } | undefined)?.v).not.toBe('older');
    }
  });

  it('does not cache an undefined result', async () => {
    const { cache } = stack();
    let calls = 0;
    const loader = async (): Promise<undefined> => {
      calls += 1;
      return undefined;
    };
    expect(await cache.getOrLoad('none', loader)).toBeUndefined();
    expect(await cache.getOrLoad('none', loader)).toBeUndefined();
    expect(calls).toBe(2);
  });
});

describe('TieredCache.getOrLoad stale-while-revalidate', () => {
  it('serves the stale value at once and refreshes it once in the background', async () => {
    const { cache, clock } = stack();
    const options = { ttlMs: 10_000, staleWhileRevalidateMs: 5_000 };
    await cache.getOrLoad('k', async () => 'v1', options);
    clock.advance(12_000); // stale, inside the 5 s window
    const gate = deferred<string>();
    let calls = 0;
    const refresh = (): Promise<string> => {
      calls += 1;
      return gate.promise;
    };
    expect(await cache.getOrLoad('k', refresh, options)).toBe('v1');
    expect(await cache.getOrLoad('k', refresh, options)).toBe('v1');
    expect(calls).toBe(1);
    gate.resolve('v2');
    await cache.idle();
    expect(await cache.getOrLoad('k', refresh, options)).toBe('v2');
    expect(calls).toBe(1);
    expect(cache.stats()).toMatchObject({ staleHits: 2, backgroundRefreshes: 1, loads: 2 });
  });

  it('past the window it waits for the loader instead', async () => {
    const { cache, clock } = stack();
    const options = { ttlMs: 10_000, staleWhileRevalidateMs: 5_000 };
    await cache.getOrLoad('k', async () => 'v1', options);
    clock.advance(16_000);
    expect(await cache.getOrLoad('k', async () => 'v2', options)).toBe('v2');
    expect(cache.stats().staleHits).toBe(0);
  });

  it('a failed background refresh keeps the stale value and is counted, never thrown', async () => {
    const { cache, clock } = stack();
    const options = { ttlMs: 10_000, staleWhileRevalidateMs: 5_000 };
    await cache.getOrLoad('k', async () => 'v1', options);
    clock.advance(11_000);
    expect(
      await cache.getOrLoad(
        'k',
        async () => {
          throw new Error('boom');
        },
        options,
      ),
    ).toBe('v1');
    await cache.idle();
    expect(cache.stats().loadErrors).toBe(1);
    expect(await cache.getOrLoad('k', async () => 'v2', options)).toBe('v1'); // still stale; a new refresh starts
    await cache.idle();
    expect(await cache.getOrLoad('k', async () => 'v3', options)).toBe('v2');
  });

  it('plain get does not serve a stale value', async () => {
    const { cache, clock } = stack();
    await cache.getOrLoad('k', async () => 'v1', { ttlMs: 10_000, staleWhileRevalidateMs: 5_000 });
    clock.advance(11_000);
    expect(await cache.get('k')).toBeUndefined();
  });
});

describe('TieredCache.getOrLoad stale-if-error', () => {
  it('serves the stale value when the loader fails within the window', async () => {
    const { cache, clock } = stack();
    const options = { ttlMs: 10_000, staleIfErrorMs: 60_000 };
    await cache.getOrLoad('k', async () => 'v1', options);
    clock.advance(30_000);
    expect(
      await cache.getOrLoad(
        'k',
        async () => {
          throw new Error('origin down');
        },
        options,
      ),
    ).toBe('v1');
    expect(cache.stats()).toMatchObject({ staleIfErrorServed: 1, staleHits: 1 });
  });

  it('rethrows past the window, and with no stale value at all', async () => {
    const { cache, clock } = stack();
    const options = { ttlMs: 10_000, staleIfErrorMs: 5_000 };
    await cache.getOrLoad('k', async () => 'v1', options);
    clock.advance(16_000);
    await expect(
      cache.getOrLoad(
        'k',
        async () => {
          throw new Error('origin down');
        },
        options,
      ),
    ).rejects.toThrow('origin down');
    await expect(
      cache.getOrLoad(
        'never',
        async () => {
          throw new Error('no');
        },
        options,
      ),
    ).rejects.toThrow('no');
  });

  it('finds the stale value in L2 when L1 no longer holds it', async () => {
    const { cache, clock, l2 } = stack();
    const options = { ttlMs: 10_000, staleIfErrorMs: 60_000 };
    await cache.getOrLoad('k', async () => 'v1', options);
    const other = new TieredCache({ l1: { maxBytes: 1 << 20 }, l2, defaultTtlMs: 10_000, clock: clock.now });
    clock.advance(20_000);
    expect(
      await other.getOrLoad(
        'k',
        async () => {
          throw new Error('down');
        },
        options,
      ),
    ).toBe('v1');
  });
});
