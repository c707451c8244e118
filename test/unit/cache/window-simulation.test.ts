import { describe, expect, it } from 'vitest';
import { hashKey } from '../../../main/cache/l1/frequency-sketch.ts';
import { L1Cache } from '../../../main/cache/l1/l1-cache.ts';
import { type PolicyOptions, WTinyLfuPolicy } from '../../../main/cache/l1/w-tinylfu-policy.ts';
import { type PolicyFactory, VARIANTS, WindowSimulation } from '../../../main/cache/l1/window-simulation.ts';
import { randomInt, seededRandom } from '../../../main/util/random.ts';

const create = (options: PolicyOptions) => new WTinyLfuPolicy(options);

/** A drifting working set: recent keys come back, old ones never do, so recency (LRU) wins. */
function* drifting(requests: number): Generator<number> {
  const random = seededRandom(1);
  for (let t = 0; t < requests; t += 1) yield Math.floor(t / 4) + randomInt(random, 0, 150);
}

/** A fixed hot set mixed with one-off scan keys, so frequency (a tiny window) wins. */
function* hotAndScan(requests: number): Generator<number> {
  const random = seededRandom(2);
  for (let t = 0; t < requests; t += 1) yield random() < 0.5 ? randomInt(random, 0, 149) : 1_000_000 + t;
}

/** A hot set of 100 keys that moves to new keys every 5,000 requests, between one-off keys. */
function* shiftingHotSets(requests: number): Generator<number> {
  const random = seededRandom(3);
  for (let t = 0; t < requests; t += 1) {
    yield random() < 0.7 ? 10_000 * Math.floor(t / 5_000) + randomInt(random, 0, 99) : 1_000_000 + t;
  }
}

/** The same `keys` keys in a cycle: a loop longer than the cache, where LRU never hits. */
function* loop(requests: number, keys: number): Generator<number> {
  for (let t = 0; t < requests; t += 1) yield t % keys;
}

/** Shadows that keep exactly the keys `keeps` names (any other is evicted as soon as it is added). */
function scriptedShadows(keeps: (variant: number, hash: number) => boolean): PolicyFactory {
  let created = 0;
  return (options) => {
    const variant = created++;
    let entries = 0;
    return {
      get entries() {
        return entries;
      },
      grow() {},
      onHit() {},
      add(slot, hash) {
        if (keeps(variant, hash)) entries += 1;
        else options.onEvict(slot);
      },
    };
  };
}

function replay(simulation: WindowSimulation, keys: Iterable<number>): void {
  for (const key of keys) simulation.record(hashKey(key), 1);
}

describe('WindowSimulation', () => {
  it('chooses the LRU-like whole window when old keys never return', () => {
    const simulation = new WindowSimulation(create, 200, 200, 0.01);
    replay(simulation, drifting(50_000));
    expect(simulation.share).toBe(1);
  });

  it('chooses a small window when a stable hot set competes with a scan', () => {
    const simulation = new WindowSimulation(create, 200, 200, 1);
    replay(simulation, hotAndScan(50_000));
    expect(simulation.share).toBeLessThanOrEqual(0.1);
    const scores = simulation.scores();
    expect(scores.map(({ share, ghost, admitAll }) => ({ share, ghost, admitAll }))).toEqual(VARIANTS);
    const lru = scores.findIndex((entry) => entry.share === 1);
    expect(scores[0]!.score).toBeGreaterThan(scores[lru]!.score); // the 1% shadow beat the LRU one
  });

  it('turns recency memory on when the hot set moves, and leaves it off on a loop', () => {
    const moving = new WindowSimulation(create, 200, 200, 0.01);
    replay(moving, shiftingHotSets(100_000));
    expect(moving.ghost).toBe(true);
    const looping = new WindowSimulation(create, 200, 200, 0.01);
    replay(looping, loop(100_000, 300));
    expect(looping.ghost).toBe(false);
    expect(looping.admitAll).toBe(false);
    expect(looping.share).toBeLessThanOrEqual(0.1);
  });

  it('switches only for a lead that chance does not explain', () => {
    const lru = VARIANTS.findIndex((variant) => variant.share === 1 && !variant.ghost);
    // One period (3 × 200 sampled requests): 100 keys that only the current variant (1%) hits,
    // `lruOnly` keys that only the LRU variant hits, each requested twice, then keys nobody keeps.
    const firstDecision = (lruOnly: number) => {
      const keeps = (variant: number, hash: number) => (hash < 1000 ? variant === 0 : hash < 2000 ? variant === lru : false);
      const simulation = new WindowSimulation(scriptedShadows(keeps), 200, 200, 0.01);
      let requests = 0;
      const twice = (hash: number) => {
        simulation.recordSampled(hash, 1);
        simulation.recordSampled(hash, 1);
        requests += 2;
      };
      for (let key = 0; key < 100; key += 1) twice(key);
      for (let key = 0; key < lruOnly; key += 1) twice(1000 + key);
      let other = 10_000;
      while (requests < 599) {
        expect(simulation.recordSampled(other++, 1)).toBe(false);
        requests += 1;
      }
      return { changed: simulation.recordSampled(other, 1), share: simulation.share };
    };
    // 115 hits against 100 is 15% ahead, but of 215 requests the two disagree on: 2·√215 ≈ 29 > 15.
    expect(firstDecision(115)).toEqual({ changed: false, share: 0.01 });
    // 160 against 100: a lead of 60 > 2·√260 ≈ 32.
    expect(firstDecision(160)).toEqual({ changed: true, share: 1 });
  });

  it('runs its shadows on a hashed sample of the keys only, for large caches', () => {
    const simulation = new WindowSimulation(create, 100_000, 100_000, 0.01);
    let changed = 0;
    for (let key = 0; key < 100_000; key += 1) if (simulation.record(hashKey(key), 1)) changed += 1;
    expect(changed).toBe(0); // every key is new: all shadows tie at 0 hits, no reason to move
    const shadowEntries = simulation.scores()[0]!.entries;
    // 100,000 entries sampled at 1/512 keep about 195 keys per shadow.
    expect(shadowEntries).toBeGreaterThan(100);
    expect(shadowEntries).toBeLessThan(300);
  });
});

describe('L1Cache with the adaptive window', () => {
  it('grows its window to the whole budget on a recency workload and shrinks it on a frequency one', () => {
    const cache = new L1Cache<number, number>({ maxBytes: 200, sizeOf: () => 1 });
    const access = (key: number) => {
      if (cache.get(key) === undefined) cache.set(key, key);
    };
    for (const key of drifting(50_000)) access(key);
    expect(cache.stats().windowBytes).toBe(200);
    for (const key of hotAndScan(100_000)) access(key);
    expect(cache.stats().windowBytes).toBeLessThanOrEqual(50); // a quarter or less, down from the whole 200
  });

  it('keeps a fixed window when not adaptive', () => {
    const cache = new L1Cache<number, number>({ maxBytes: 200, sizeOf: () => 1, adaptive: false });
    for (const key of drifting(20_000)) if (cache.get(key) === undefined) cache.set(key, key);
    expect(cache.stats().windowBytes).toBe(2);
  });
});
