import { afterEach, describe, expect, it, vi } from 'vitest';
import { PostgresHealth, PROBE_TIMEOUT_MS, type PostgresHealthState } from '../../../main/engine/postgres-health.ts';

afterEach(() => vi.useRealTimers());

describe('PostgresHealth', () => {
  it('starts up, turns down with the error when a probe fails, and up again when one succeeds, telling each change once', async () => {
    let fail: Error | null = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    const changes: PostgresHealthState['state'][] = [];
    const health = new PostgresHealth(async () => {
      if (fail) throw fail;
    }, (now) => changes.push(now.state));
    expect(health.state.state).toBe('up');
    await health.check();
    await health.check();
    expect(health.state).toMatchObject({ state: 'down', error: 'connect ECONNREFUSED 127.0.0.1:5432' });
    fail = null;
    await health.check();
    expect(health.state).toMatchObject({ state: 'up', error: null });
    expect(changes).toEqual(['down', 'up']);
  });

  it('counts a probe that hangs as down, and starts no second probe while it is pending', async () => {
    vi.useFakeTimers();
    let probes = 0;
    let answer: () => void = () => undefined;
    const health = new PostgresHealth(() => {
      probes += 1;
      return new Promise<void>((resolve) => (answer = resolve));
    }, () => undefined);
    const pending = health.check();
    await vi.advanceTimersByTimeAsync(PROBE_TIMEOUT_MS + 1);
    expect(health.state).toMatchObject({ state: 'down', error: expect.stringContaining('no answer') });
    await health.check();
    await health.check();
    expect(probes).toBe(1);
    answer();
    await pending;
    expect(health.state.state).toBe('up');
  });
});
