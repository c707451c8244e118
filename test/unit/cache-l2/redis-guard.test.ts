import { describe, expect, it } from 'vitest';
import { DEADLINE_MARGIN_MS, RedisGuard, deadlineFor } from '../../../main/cache/l2/redis-guard.ts';
import { DEFAULT_BREAKER_OPTIONS } from '../../../main/cache/l2/circuit-breaker.ts';
import { DEFAULT_CONNECTION_TUNING } from '../../../main/cache/l2/redis-connection.ts';

function guardWithClock() {
  let now = 0;
  const logged: Array<{ level: string; message: string }> = [];
  const guard = new RedisGuard({
    name: 'redis://cache.example:6379',
    deadlineMs: 10,
    breaker: { consecutiveFailures: 3, coolDownMs: 1_000, now: () => now },
    log: (level, message) => void logged.push({ level, message }),
  });
  return { guard, logged, advance: (ms: number) => void (now += ms) };
}

const down = (): Promise<never> => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
const up = async (): Promise<string> => 'OK';

describe('RedisGuard', () => {
  it('answers from the open breaker without calling, and logs one line when it opens and one when it closes, however many calls and failed probes', async () => {
    const { guard, logged, advance } = guardWithClock();
    let calls = 0;
    const counted = (call: () => Promise<unknown>) => () => {
      calls += 1;
      return call();
    };
    for (let i = 0; i < 3; i += 1) expect(await guard.call(counted(down))).toEqual({ ok: false, attempted: true });
    expect(guard.state).toBe('open');
    for (let i = 0; i < 100; i += 1) expect(await guard.call(counted(up))).toEqual({ ok: false, attempted: false });
    expect(calls).toBe(3);
    expect(guard.shortCircuited).toBe(100);
    // Two failed probes: the breaker flips open → half-open → open twice, and says nothing more.
    for (let probe = 0; probe < 2; probe += 1) {
      advance(1_000);
      expect(await guard.call(counted(down))).toEqual({ ok: false, attempted: true });
    }
    expect(logged).toHaveLength(1);
    expect(logged[0]!.level).toBe('warn');
    expect(logged[0]!.message).toContain(
      'redis://cache.example:6379 stopped answering (3 failures in a row; last error: connect ECONNREFUSED 127.0.0.1:6379)',
    );
    advance(1_000);
    expect(await guard.call(counted(up))).toEqual({ ok: true, value: 'OK' });
    expect(guard.state).toBe('closed');
    expect(logged).toHaveLength(2);
    expect(logged[1]).toEqual({
      level: 'info',
      message: expect.stringMatching(/^Redis at redis:\/\/cache\.example:6379 answers again after \d+\.\d s/),
    });
    expect(calls).toBe(6);
  });

  it('a call that never answers fails at the deadline and counts towards opening; none stays in flight', async () => {
    const { guard } = guardWithClock();
    const never = () => new Promise<never>(() => undefined);
    for (let i = 0; i < 3; i += 1) expect(await guard.call(never)).toEqual({ ok: false, attempted: true });
    expect(guard.lastError).toMatch(/no answer within 10 ms/);
    expect(guard.state).toBe('open');
    expect(guard.inFlight).toBe(0);
    expect(guard.failed).toBe(3);
  });

  it('a call that throws synchronously is a failure, not an exception', async () => {
    const { guard } = guardWithClock();
    const outcome = await guard.call(() => {
      throw new Error('client closed');
    });
    expect(outcome).toEqual({ ok: false, attempted: true });
    expect(guard.lastError).toBe('client closed');
  });

  it('an unbounded call (a SCAN walk bounding its own commands) is not cut at the deadline', async () => {
    const { guard } = guardWithClock();
    const slow = () => new Promise<string>((resolve) => setTimeout(() => resolve('done'), 30));
    expect(await guard.call(slow, { bounded: false })).toEqual({ ok: true, value: 'done' });
  });

  it('a client still reconnecting never takes the half-open probe, and is no evidence of an outage just after another client was answered', async () => {
    const { guard, logged, advance } = guardWithClock();
    let calls = 0;
    const counted = () => {
      calls += 1;
      return Promise.reject(new Error("Stream isn't writeable and enableOfflineQueue options is false"));
    };
    expect(await guard.call(up)).toEqual({ ok: true, value: 'OK' });
    // Right after a success: a not-connected client's calls are answered at once and do not count.
    for (let i = 0; i < 10; i += 1) expect(await guard.call(counted, { connected: false })).toEqual({ ok: false, attempted: false });
    expect(calls).toBe(0);
    expect(guard.state).toBe('closed');
    // Long after the last success: they are the outage, and open the breaker.
    advance(1_000);
    for (let i = 0; i < 3; i += 1) await guard.call(counted, { connected: false });
    expect(calls).toBe(3);
    expect(guard.state).toBe('open');
    // Half-open: only a connected client may probe.
    advance(1_000);
    expect(await guard.call(counted, { connected: false })).toEqual({ ok: false, attempted: false });
    expect(guard.state).toBe('half-open');
    expect(await guard.call(up)).toEqual({ ok: true, value: 'OK' });
    expect(guard.state).toBe('closed');
    expect(logged.map((l) => l.level)).toEqual(['warn', 'info']);
  });
});

describe("the guard's shared timings", () => {
  it('deadlineFor puts the ceiling a fixed margin above the command timeout, so ioredis normally reports first', () => {
    expect(deadlineFor(500)).toBe(500 + DEADLINE_MARGIN_MS);
    expect(deadlineFor(2_000)).toBe(2_000 + DEADLINE_MARGIN_MS);
    expect(DEADLINE_MARGIN_MS).toBeGreaterThan(0);
  });

  it("exposes its breaker's cool-down (the soonest a refused call can be let through again)", () => {
    expect(new RedisGuard({ name: 'r', deadlineMs: 10, breaker: { coolDownMs: 300 } }).coolDownMs).toBe(300);
    expect(new RedisGuard({ name: 'r', deadlineMs: 10 }).coolDownMs).toBe(DEFAULT_BREAKER_OPTIONS.coolDownMs);
  });

  it('takes a not-connected client to be reconnecting for as long as a reconnect may wait, and no longer', async () => {
    const { guard, advance } = guardWithClock();
    const refused = () => Promise.reject(new Error("Stream isn't writeable"));
    expect(await guard.call(up)).toEqual({ ok: true, value: 'OK' });
    advance(DEFAULT_CONNECTION_TUNING.maxReconnectDelayMs - 1);
    expect(await guard.call(refused, { connected: false })).toEqual({ ok: false, attempted: false });
    advance(1);
    expect(await guard.call(refused, { connected: false })).toEqual({ ok: false, attempted: true });
  });
});
