/** Lazy promotion: a hit only marks the entry; it moves when it reaches the head of its queue. */
import { describe, expect, it } from 'vitest';
import { hashKey } from '../../../main/cache/l1/frequency-sketch.ts';
import { policyHarness } from './policy-harness.ts';

describe('lazy promotion', () => {
  it('a probation hit moves nothing; the entry is promoted when its turn as a victim comes', () => {
    const { policy, resident, request } = policyHarness({ eagerPromotion: false });
    for (let key = 0; key < 10; key += 1) request(key); // window [9], probation [0..8]
    const before = policy.probation.toArray();
    expect(before[0]).toBe(0);
    request(0);
    expect(policy.probation.toArray()).toEqual(before); // only a bit was set
    request(100); // 9 leaves the window and needs a victim: 0 is offered first, and promoted instead
    expect(resident.has(0)).toBe(true);
    expect(policy.protected.toArray()).toContain(0);
  });

  it('eager promotion moves a probation hit to protected at once', () => {
    const { policy, request } = policyHarness({ eagerPromotion: true });
    for (let key = 0; key < 10; key += 1) request(key);
    request(0);
    expect(policy.protected.toArray()).toEqual([0]);
  });

  it('hits counted in the slot reach the sketch before it halves', () => {
    const { policy, request } = policyHarness({ eagerPromotion: false });
    request(0); // the miss counts once in the sketch
    for (let i = 0; i < 10; i += 1) request(0); // ten hits, pending in the slot
    expect(policy.sketch.frequency(hashKey(0))).toBe(1);
    // Other deferred counts until the sketch halves: the ten pending hits must be added first.
    // Bounded: the sketch halves within sampleSize counts, so a regression fails here instead of looping.
    for (let n = 0; n < policy.sketch.sampleSize && policy.sketch.frequency(hashKey(0)) === 1; n += 1) policy.sketch.countDeferred();
    expect(policy.sketch.frequency(hashKey(0))).toBe(5); // (1 + 10) halved
  });

  it('the window gives a visited entry a second chance at its tail (CLOCK)', () => {
    const { policy, request } = policyHarness({ windowPercent: 0.5, eagerPromotion: false }); // a window of 5
    for (let key = 0; key < 5; key += 1) request(key);
    request(0);
    expect(policy.window.toArray()).toEqual([0, 1, 2, 3, 4]);
    request(5); // the window overflows: 0 is visited, goes round again; 1 leaves instead
    expect(policy.window.toArray()).toEqual([2, 3, 4, 5, 0]);
    expect(policy.probation.toArray()).toEqual([1]);
  });
});
