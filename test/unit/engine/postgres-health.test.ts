import { afterEach, describe, expect, it, vi } from 'vitest';
import { PostgresHealth, PROBE_TIMEOUT_MS, type PostgresHealthState } from '../../../main/engine/postgres-health.ts';

afterEach(() => vi.useRealTimers());

describe('PostgresHealth', () => {
  it('starts up, turns down with the error when a probe fails, and up again when one succeeds, telling each change once', async () => {
    let fail: Error | null = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    const changes: PostgresHealthState['state'][] = [];
    const health = new PostgresHealth(
      async () => {
        if (fail) throw fail;
      },
      (now) => changes.push(now.state),
    );
    expect(health.state.state).toBe('up');
    await health.check();
    await health.check();
    expect(health.state).toMatchObject({ state: 'down', error: 'connect ECONNREFUSED 127.0.0.1:5432' });
    fail = null;
    await health.check();
    expect(health.state).toMatchObject({ state: 'up', error: null });
    expect(changes).toEqual(['down', 'up']);
  });

  it('counts a probe that hangs as down and aborts it at the timeout; the next check probes afresh and sees the server back', async () => {
    vi.useFakeTimers();
    const signals: AbortSignal[] = [];
    let hang = true;
    const health = new PostgresHealth(
      (signal) => {
        signals.push(signal);
        return hang ? new Promise<void>(() => undefined) : Promise.resolve();
      },
      () => undefined,
    );
    const pending = health.check();
    await vi.advanceTimersByTimeAsync(PROBE_TIMEOUT_MS + 1);
    await pending;
    expect(health.state).toMatchObject({ state: 'down', error: expect.stringContaining('no answer') });
    // The hung probe was told to give up (its owner ends its connection): it no longer counts as pending.
    expect(signals[0]!.aborted).toBe(true);
    hang = false;
    await health.check();
    expect(signals).toHaveLength(2);
    expect(health.state.state).toBe('up');
  });

  it('starts no second probe while one is pending', async () => {
    let probes = 0;
    let answer: () => void = () => undefined;
    const health = new PostgresHealth(
      () => {
        probes += 1;
        return new Promise<void>((resolve) => (answer = resolve));
      },
      () => undefined,
    );
    const pending = health.check();
    await health.check();
    await health.check();
    expect(probes).toBe(1);
    answer();
    await pending;
    expect(health.state.state).toBe('up');
  });

  it('ignores the late answer of a probe it gave up on', async () => {
    vi.useFakeTimers();
    let late: () => void = () => undefined;
    let calls = 0;
    const health = new PostgresHealth(
      () => {
        calls += 1;
        return calls === 1 ? new Promise<void>((resolve) => (late = resolve)) : Promise.reject(new Error('connection refused'));
      },
      () => undefined,
    );
    const first = health.check();
    await vi.advanceTimersByTimeAsync(PROBE_TIMEOUT_MS + 1);
    await first;
    await health.check();
    expect(health.state).toMatchObject({ state: 'down', error: 'connection refused' });
    late();
    await vi.advanceTimersByTimeAsync(0);
    expect(health.state).toMatchObject({ state: 'down', error: 'connection refused' });
  });
});
