import { describe, expect, it } from 'vitest';
import { Gradient2Limit } from '../../../main/pool/adaptive-limit.ts';

describe('Gradient2Limit', () => {
  it('holds near the maximum while latency is steady and the limit is used', () => {
    const limit = new Gradient2Limit({ initialLimit: 10, minLimit: 1, maxLimit: 20 });
    for (let i = 0; i < 200; i++) limit.sample(1, 20);
    expect(limit.limit).toBe(20);
  });

  it('shrinks when round trips rise above the long-term average, and not below the minimum', () => {
    const limit = new Gradient2Limit({ initialLimit: 20, minLimit: 2, maxLimit: 20 });
    for (let i = 0; i < 300; i++) limit.sample(1, 20);
    for (let i = 0; i < 20; i++) limit.sample(10, 20);
    expect(limit.limit).toBeLessThan(20);
    for (let i = 0; i < 500; i++) limit.sample(100, 20);
    expect(limit.limit).toBeGreaterThanOrEqual(2);
  });

  it('does not grow while fewer than half the allowed queries are in flight', () => {
    const limit = new Gradient2Limit({ initialLimit: 4, minLimit: 1, maxLimit: 20 });
    for (let i = 0; i < 100; i++) limit.sample(1, 1);
    expect(limit.limit).toBe(4);
  });

  it('follows a new maximum after a resize', () => {
    const limit = new Gradient2Limit({ maxLimit: 10 });
    limit.setMaxLimit(3);
    expect(limit.limit).toBe(3);
  });
});
