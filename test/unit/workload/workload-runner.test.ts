import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkloadRunner, type WorkloadRunnerOptions } from '../../../main/workload/workload-runner.ts';
import { NOOP_TARGET, type WorkloadTarget } from '../../../main/workload/workload-target.ts';
import { seededRandom } from '../../../main/util/random.ts';

// Virtual time: the schedule, the dispatch timers and performance.now() all advance
// only when the test says so, so counts and latencies are exact, not machine-dependent.
beforeEach(() => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'performance', 'Date'],
  });
});
afterEach(() => {
  vi.useRealTimers();
});

function runner(overrides: Partial<WorkloadRunnerOptions> = {}): WorkloadRunner {
  return new WorkloadRunner({
    templates: [
      { name: 'a', nextParams: () => [1] },
      { name: 'b', nextParams: () => [2] },
    ],
    pickTemplate: (() => {
      let i = 0;
      return () => i++ % 2;
    })(),
    target: NOOP_TARGET,
    rate: 100,
    random: seededRandom(1),
    intervalMs: 0,
    ...overrides,
  });
}

/** A target whose requests hang until `release()`, like a server stalled by a lock. */
function stallableTarget(): WorkloadTarget & { stalled: boolean; release(): void } {
  const waiting: (() => void)[] = [];
  return {
    stalled: false,
    execute() {
      if (!this.stalled) return Promise.resolve({ acquireUs: 5, serverUs: 100 });
      return new Promise((resolve) => waiting.push(() => resolve({ acquireUs: 5, serverUs: 100 })));
    },
    release() {
      this.stalled = false;
      for (const resume of waiting.splice(0)) resume();
    },
  };
}

describe('WorkloadRunner (open loop)', () => {
  it('sends exactly the scheduled number of requests per interval at a uniform rate', async () => {
    const r = runner({ rate: 200 });
    r.start();
    await vi.advanceTimersByTimeAsync(999);
    const interval = r.closeInterval();
    await r.stop();
    const all = interval.templates.at(-1)!;
    expect(all.template).toBe('all');
    expect(all.count).toBe(200);
    expect(interval.sent).toBe(200);
    expect(interval.templates.map((t) => t.count)).toEqual([100, 100, 200]);
    expect(interval.saturated).toBe(false);
    expect(interval.achievedRate).toBeCloseTo(200, 0);
  });

  it('does not spin: requests under a millisecond apart go out on millisecond timers, none more than a millisecond late', async () => {
    const immediates = vi.spyOn(globalThis, 'setImmediate');
    const timeouts = vi.spyOn(globalThis, 'setTimeout');
    const r = runner({ rate: 5_000 });
    r.start();
    await vi.advanceTimersByTimeAsync(999);
    const interval = r.closeInterval();
    await r.stop();
    // Due at 0, 0.2, … 999 ms (the last one, at 999.0000…1 by floating point, may fall just after): every one sent
    // by the timer of its millisecond.
    expect(interval.sent).toBeGreaterThanOrEqual(4_995);
    expect(interval.sent).toBeLessThanOrEqual(4_996);
    expect(immediates).not.toHaveBeenCalled();
    expect(timeouts.mock.calls.length).toBeLessThanOrEqual(1_000);
    expect(interval.schedulerLagMs).toBeLessThanOrEqual(1);
  });

  it('keeps sending during a stall and charges the stall to the stalled requests (no coordinated omission)', async () => {
    const target = stallableTarget();
    const r = runner({ rate: 100, target });
    r.start();
    await vi.advanceTimersByTimeAsync(495);
    target.stalled = true;
    await vi.advanceTimersByTimeAsync(504);
    // Requests sent during the stall are all in flight: the sender did not wait for them.
    const stalledInterval = r.closeInterval();
    expect(stalledInterval.inFlight).toBe(50);
    expect(stalledInterval.sent).toBe(100);
    target.release();
    await vi.advanceTimersByTimeAsync(1000);
    const after = r.closeInterval();
    await r.stop();
    const all = after.templates.at(-1)!;
    // The first stalled request waited ~500 ms from its intended start; p99 must show it.
    expect(all.latency.max).toBeGreaterThanOrEqual(499);
    expect(all.latency.p99).toBeGreaterThanOrEqual(450);
    expect(all.latency.p50).toBeLessThan(all.latency.p99);
  });

  it('sheds requests beyond maxInFlight and flags saturation', async () => {
    const target = stallableTarget();
    target.stalled = true;
    const r = runner({ rate: 100, target, maxInFlight: 10 });
    r.start();
    await vi.advanceTimersByTimeAsync(999);
    const interval = r.closeInterval();
    expect(interval.inFlight).toBe(10);
    expect(interval.templates.at(-1)!.shed).toBe(90);
    expect(interval.saturated).toBe(true);
    target.release();
    await r.stop();
  });

  it('counts errors per template with the last message and keeps them out of the latency', async () => {
    const r = runner({
      rate: 10,
      target: {
        execute: (t) =>
          t === 0 ? Promise.reject(new Error('relation "x" does not exist')) : Promise.resolve({ acquireUs: 1, serverUs: 1 }),
      },
    });
    r.start();
    await vi.advanceTimersByTimeAsync(999);
    const interval = r.closeInterval();
    await r.stop();
    const [a, b, all] = interval.templates;
    expect(a).toMatchObject({ errors: 5, count: 0, lastError: 'relation "x" does not exist' });
    expect(b).toMatchObject({ errors: 0, count: 5 });
    expect(all).toMatchObject({ errors: 5, count: 5 });
  });

  it('changes rate without a gap or a burst', async () => {
    const r = runner({ rate: 100 });
    r.start();
    await vi.advanceTimersByTimeAsync(999);
    expect(r.closeInterval().sent).toBe(100);
    r.setRate(300);
    await vi.advanceTimersByTimeAsync(1000);
    const sent = r.closeInterval().sent;
    await r.stop();
    expect(sent).toBeGreaterThanOrEqual(299);
    expect(sent).toBeLessThanOrEqual(301);
    expect(r.targetRate).toBe(300);
  });

  it('leaves warm-up intervals out of the cumulative percentiles', async () => {
    const target = stallableTarget();
    const r = runner({ rate: 100, target, warmupIntervals: 1 });
    r.start();
    target.stalled = true;
    await vi.advanceTimersByTimeAsync(300);
    target.release();
    await vi.advanceTimersByTimeAsync(699);
    expect(r.closeInterval().warmup).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(r.closeInterval().warmup).toBe(false);
    await r.stop();
    const cumulative = r.cumulative().get('all')!;
    expect(cumulative.count).toBeGreaterThanOrEqual(100);
    expect(cumulative.max).toBeLessThan(1);
  });

  it('stop() waits for requests in flight', async () => {
    const target = stallableTarget();
    const r = runner({ rate: 100, target });
    r.start();
    target.stalled = true;
    await vi.advanceTimersByTimeAsync(100);
    let stopped = false;
    const stopping = r.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(10);
    expect(stopped).toBe(false);
    target.release();
    await stopping;
    expect(stopped).toBe(true);
    expect(r.running).toBe(false);
  });
});
