/** The policy's recency memory: what it remembers, and where a remembered key goes when it returns. */
import { describe, expect, it } from 'vitest';
import { policyHarness } from './policy-harness.ts';

describe('recency memory (ghost)', () => {
  for (const ghost of [false, true]) {
    it(`${ghost ? 'sends a turned-away key that returns straight to protected' : 'without it, turns the key away again'}`, () => {
      const { policy, resident, request } = policyHarness({ ghost });
      for (let round = 0; round < 4; round += 1) for (let key = 0; key < 10; key += 1) request(key); // a popular set
      request(100);
      request(101); // 100 leaves the window, loses its duel against a popular key
      expect(resident.has(100)).toBe(false);
      request(100);
      request(102); // without the ghost, 100 duels again from the window and loses again
      expect(resident.has(100)).toBe(ghost);
      if (ghost) expect(policy.protected.toArray()).toContain(100);
    });
  }

  it('without the duel, remembers probation victims and brings a returning one back to protected', () => {
    const { policy, resident, request } = policyHarness({ ghost: true, admitAll: true });
    for (let key = 0; key < 10; key += 1) request(key);
    request(10); // admitted without a duel: the oldest of probation (0) is evicted
    expect(resident.has(0)).toBe(false);
    request(0);
    expect(policy.protected.toArray()).toContain(0);
  });
});
