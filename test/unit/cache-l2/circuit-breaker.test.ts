import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../main/cache/l2/circuit-breaker.ts';
import type { CircuitBreakerOptions, Permit } from '../../../main/cache/l2/circuit-breaker.ts';

function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

function breaker(options: Partial<CircuitBreakerOptions> = {}) {
  const clock = fakeClock();
  const b = new CircuitBreaker({
    consecutiveFailures: 3,
    failureRateThreshold: 0.5,
    windowMs: 1_000,
    minimumCalls: 10,
    coolDownMs: 500,
    now: clock.now,
    ...options,
  });
  return { b, clock };
}

function fail(b: CircuitBreaker, times = 1): void {
  for (let i = 0; i < times; i++) b.onFailure(b.acquire()!);
}

function succeed(b: CircuitBreaker, times = 1): void {
  for (let i = 0; i < times; i++) b.onSuccess(b.acquire()!);
}

describe('CircuitBreaker', () => {
  it('stays closed below N consecutive failures and opens at N', () => {
    const { b } = breaker();
    fail(b, 2);
    expect(b.state).toBe('closed');
    fail(b, 1);
    expect(b.state).toBe('open');
    expect(b.acquire()).toBeNull();
  });

  it('a success resets the consecutive count', () => {
    const { b } = breaker({ minimumCalls: 1_000 });
    fail(b, 2);
    succeed(b);
    fail(b, 2);
    expect(b.state).toBe('closed');
  });

  it('opens on a failure rate over the window even without N failures in a row', () => {
    const { b } = breaker({ consecutiveFailures: 100, minimumCalls: 10, failureRateThreshold: 0.5 });
    // Alternate: never two failures in a row, a 50% failure rate.
    for (let i = 0; i < 4; i++) {
      succeed(b);
      fail(b);
    }
    expect(b.state).toBe('closed'); // 8 calls: below minimumCalls
    succeed(b);
    fail(b);
    expect(b.state).toBe('open'); // 10 calls, 5 failures
  });

  it('forgets failures that slid out of the window', () => {
    const { b, clock } = breaker({ consecutiveFailures: 100, minimumCalls: 10, failureRateThreshold: 0.5 });
    fail(b, 1);
    succeed(b, 1);
    fail(b, 1);
    succeed(b, 1);
    fail(b, 4); // 6 failures of 8 calls, below minimumCalls
    clock.advance(1_200); // all of them expire
    expect(b.windowCounts()).toEqual({ calls: 0, failures: 0 });
    succeed(b, 8);
    fail(b, 2); // 2 failures of 10 in the window: 20%
    expect(b.state).toBe('closed');
  });

  it('after the cool-down lets exactly one probe through (half-open)', () => {
    const { b, clock } = breaker();
    fail(b, 3);
    clock.advance(499);
    expect(b.acquire()).toBeNull();
    clock.advance(1);
    expect(b.state).toBe('half-open');
    const probe = b.acquire();
    expect(probe).toMatchObject({ probe: true });
    expect(b.acquire()).toBeNull();
    expect(b.acquire()).toBeNull();
  });

  it('closes when the probe succeeds, with a clean slate', () => {
    const { b, clock } = breaker();
    fail(b, 3);
    clock.advance(500);
    b.onSuccess(b.acquire()!);
    expect(b.state).toBe('closed');
    expect(b.windowCounts().failures).toBe(0);
    fail(b, 2);
    expect(b.state).toBe('closed'); // needs 3 new failures again
  });

  it('reopens when the probe fails, and the cool-down restarts from then', () => {
    const { b, clock } = breaker();
    fail(b, 3);
    clock.advance(600);
    b.onFailure(b.acquire()!);
    expect(b.state).toBe('open');
    clock.advance(499);
    expect(b.acquire()).toBeNull();
    clock.advance(1);
    expect(b.acquire()).toMatchObject({ probe: true });
  });

  it('ignores late results of calls permitted before the last transition', () => {
    const { b, clock } = breaker();
    const early: Permit[] = [b.acquire()!, b.acquire()!, b.acquire()!, b.acquire()!];
    fail(b, 3);
    expect(b.state).toBe('open');
    // A call from before the outage succeeds late: it must not close the breaker.
    b.onSuccess(early[0]!);
    expect(b.state).toBe('open');
    clock.advance(500);
    const probe = b.acquire()!;
    // Late failures of old calls must not fail the probe's half-open state either.
    b.onFailure(early[1]!);
    expect(b.state).toBe('half-open');
    b.onSuccess(early[2]!); // nor may a late success stand in for the probe
    expect(b.acquire()).toBeNull();
    b.onSuccess(probe);
    expect(b.state).toBe('closed');
    b.onFailure(early[3]!);
    expect(b.windowCounts().failures).toBe(0);
  });

  it('counts transitions, so a flap between two snapshots is visible', () => {
    const { b, clock } = breaker();
    fail(b, 3);
    clock.advance(500);
    succeed(b);
    expect(b.state).toBe('closed');
    expect(b.transitionCount).toBe(3); // open, half-open, closed
  });

  it('rejects nonsense options', () => {
    expect(() => new CircuitBreaker({ consecutiveFailures: 0 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ failureRateThreshold: 0 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ windowMs: 0 })).toThrow(RangeError);
  });
});
