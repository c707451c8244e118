import { describe, expect, it } from 'vitest';
import { capacityParamsSchema, type CapacityParams } from '../../../main/contract/capacity.ts';
import { SLO_DEFINITIONS, type SloMetricReport, type SloVerdict } from '../../../main/contract/slo.ts';
import type { TelemetrySnapshot } from '../../../main/contract/telemetry.ts';
import { CapacityRunner, search, type CapacityProbe } from '../../../main/engine/capacity-runner.ts';
import { capacityRates, judgeServed, stepVerdict } from '../../../main/engine/capacity-steps.ts';
import type { CacheWarmth } from '../../../main/engine/capacity-warmup.ts';
import { errorOf } from '../../support/error-of.ts';

function metric(id: SloMetricReport['id'], verdict: SloVerdict, secondsIn = 0): SloMetricReport {
  const definition = SLO_DEFINITIONS.find((d) => d.id === id)!;
  const worst = verdict === 'fail' ? { at: 1, value: 999, passed: false, note: null } : null;
  return {
    ...definition,
    verdict,
    secondsIn,
    passedSeconds: 0,
    failedSeconds: verdict === 'fail' ? 1 : 0,
    mean: null,
    worst,
    current: null,
  };
}

/** Eight metrics all `verdict`, but `overrides`. */
function metrics(verdict: SloVerdict, secondsIn: number, overrides: Partial<Record<SloMetricReport['id'], SloVerdict>> = {}) {
  return SLO_DEFINITIONS.map((d) => metric(d.id, overrides[d.id] ?? verdict, secondsIn));
}

/**
 * A stack whose engine ticks once per nextSecond (the clock moves 1 s), where every metric holds below `breaksAt`
 * requests/s and p99 fails at and above it; `gone` stops the workload at that tick.
 */
function fakeStack(options: {
  rate: number;
  breaksAt: number;
  goneAtTick?: number;
  onTick?: (tick: number) => void;
  /** The cache's warmth at each tick; default: no cache. */
  warmth?: (tick: number) => CacheWarmth;
}) {
  let now = 1_000_000;
  let tick = 0;
  let rate: number | null = options.rate;
  const rates: number[] = [];
  const probe: CapacityProbe = {
    now: () => now,
    rate: () => rate,
    setRate: (next) => {
      rate = next;
      rates.push(next);
    },
    judge: (windowSeconds, sinceAt, stepRate) => {
      const secondsIn = Math.min(windowSeconds, Math.floor((now - sinceAt) / 1000));
      const verdict: SloVerdict = secondsIn >= windowSeconds ? 'pass' : 'waiting';
      return {
        metrics: metrics(verdict, secondsIn, stepRate >= options.breaksAt ? { p99: 'fail' } : {}),
        achievedRate: stepRate,
      };
    },
    cacheWarmth: () => options.warmth?.(tick) ?? { state: 'no-cache' },
    nextSecond: async () => {
      now += 1000;
      tick += 1;
      if (tick === options.goneAtTick) rate = null;
      options.onTick?.(tick);
    },
    progress: () => undefined,
  };
  return { probe, rates };
}

const params = (p: Partial<CapacityParams> = {}): CapacityParams =>
  capacityParamsSchema.parse({ startRate: 100, step: 100, maxRate: 500, windowSeconds: 5, settleSeconds: 2, confirm: true, ...p });

describe('capacityRates', () => {
  it('steps from the start rate to the max rate, included when it falls on a step', () => {
    expect(capacityRates(2_000, 2_000, 20_000)).toEqual([2_000, 4_000, 6_000, 8_000, 10_000, 12_000, 14_000, 16_000, 18_000, 20_000]);
    expect(capacityRates(100, 300, 500)).toEqual([100, 400]);
    expect(capacityRates(0.1, 0.1, 0.3)).toHaveLength(3);
  });
});

describe('capacityParamsSchema', () => {
  it('fills the defaults and refuses a max below the start, too many steps, or no confirmation', () => {
    expect(capacityParamsSchema.parse({ confirm: true })).toMatchObject({
      startRate: 2_000,
      step: 2_000,
      maxRate: 20_000,
      windowSeconds: 300,
    });
    expect(capacityParamsSchema.safeParse({ startRate: 500, maxRate: 100, confirm: true }).success).toBe(false);
    expect(capacityParamsSchema.safeParse({ startRate: 1, step: 1, maxRate: 1_000, confirm: true }).success).toBe(false);
    expect(capacityParamsSchema.safeParse({}).success).toBe(false);
    expect(capacityParamsSchema.safeParse({ windowSeconds: 901, confirm: true }).success).toBe(false);
  });
});

describe('stepVerdict', () => {
  it('fails on any failed metric, passes only when all eight passed, and fails the still-waiting ones when out of time', () => {
    expect(stepVerdict(metrics('pass', 5), false)).toEqual({ verdict: 'pass' });
    expect(stepVerdict(metrics('pass', 5, { cpu: 'waiting' }), false)).toEqual({ verdict: 'waiting' });
    const failed = stepVerdict(metrics('waiting', 2, { memory: 'fail' }), false);
    expect(failed).toMatchObject({ verdict: 'fail', failures: [{ id: 'memory', reason: 'failed', worst: { value: 999 } }] });
    const late = stepVerdict(metrics('pass', 5, { 'cache-hit-rate': 'waiting' }), true);
    expect(late).toMatchObject({ verdict: 'fail', failures: [{ id: 'cache-hit-rate', reason: 'unjudged' }] });
  });
});

function snapshot(at: number, achievedRate: number | null, shed = 0, warmup = false): TelemetrySnapshot {
  const workload =
    achievedRate === null
      ? null
      : {
          at,
          durationMs: 1000,
          warmup,
          targetRate: 100,
          achievedRate,
          sent: achievedRate,
          inFlight: 0,
          schedulerLagMs: 0,
          saturated: false,
          templates: [
            { template: 'all', count: achievedRate, errors: 0, shed, lastError: null, latency: {} as never, acquireP99: 0, serverP99: 0 },
          ],
        };
  return { at, workload, cache: null, pool: null, memory: null };
}

describe('judgeServed', () => {
  it('judges throughput against the step rate: 90% of it and nothing shed, over the seconds after sinceAt', () => {
    const seconds = [snapshot(1, 10), snapshot(2, 100), snapshot(3, 95), snapshot(4, 91)];
    const passed = judgeServed(seconds, 100, 3, 1);
    expect(passed.report).toMatchObject({ verdict: 'pass', secondsIn: 3, threshold: 90, worst: { value: 91 } });
    expect(passed.achievedRate).toBeCloseTo((100 + 95 + 91) / 3);
    expect(judgeServed(seconds, 100, 5, 1).report.verdict).toBe('waiting');
    expect(judgeServed([...seconds, snapshot(5, 80)], 100, 3, 1).report).toMatchObject({ verdict: 'fail', worst: { value: 80 } });
    const shed = judgeServed([...seconds, snapshot(5, 100, 7)], 100, 3, 1).report;
    expect(shed).toMatchObject({ verdict: 'fail', worst: { note: '7 requests shed' } });
  });

  it('ends the window at a second without the workload (stopped or warming up)', () => {
    const seconds = [snapshot(1, 100), snapshot(2, null), snapshot(3, 100), snapshot(4, 100, 0, true), snapshot(5, 100)];
    expect(judgeServed(seconds, 100, 3, 0).report).toMatchObject({ verdict: 'waiting', secondsIn: 1 });
  });
});

describe('search', () => {
  it('records the passing steps, stops at the first failing one, and restores the rate', async () => {
    const { probe, rates } = fakeStack({ rate: 42, breaksAt: 300 });
    const result = await search(params(), probe, new AbortController().signal, 42);
    expect(result.steps.map((s) => [s.rate, s.verdict])).toEqual([
      [100, 'pass'],
      [200, 'pass'],
      [300, 'fail'],
    ]);
    expect(result.steps[2]!.failures.map((f) => f.id)).toEqual(['p99']);
    expect(result).toMatchObject({ highestPassingRate: 200, ended: 'step-failed', restoredRate: 42, meetsThroughputGoal: false });
    expect(rates).toEqual([100, 200, 300, 42]);
    expect(probe.rate()).toBe(42);
  });

  it('warms the cache at the first rate until its hit rate is steady, then judges the steps', async () => {
    const judgedAfter: number[] = [];
    const { probe, rates } = fakeStack({
      rate: 42,
      breaksAt: 300,
      warmth: (tick) => (tick < 40 ? { state: 'warming', hitRate: tick / 100, rise: 0.05 } : { state: 'steady', hitRate: 0.9 }),
    });
    const judge = probe.judge;
    probe.judge = (windowSeconds, sinceAt, rate) => {
      judgedAfter.push(sinceAt);
      return judge(windowSeconds, sinceAt, rate);
    };
    const started = probe.now();
    const result = await search(params(), probe, new AbortController().signal, 42);
    expect(result.warmup).toEqual({ seconds: 40, hitRate: 0.9, steady: true });
    expect(rates).toEqual([100, 200, 300, 42]);
    // The first step settles after the warm-up, not from the search's start.
    expect(Math.min(...judgedAfter)).toBe(started + (40 + 2) * 1000);
    expect(result.highestPassingRate).toBe(200);
  });

  it('gives the warm-up at most warmupMaxSeconds, and says the hit rate was still rising', async () => {
    const { probe } = fakeStack({ rate: 42, breaksAt: 200, warmth: () => ({ state: 'warming', hitRate: 0.5, rise: 0.02 }) });
    const result = await search(params({ warmupMaxSeconds: 120 }), probe, new AbortController().signal, 42);
    expect(result.warmup).toEqual({ seconds: 120, hitRate: 0.5, steady: false });
    expect(result.steps.map((s) => s.rate)).toEqual([100, 200]);
  });

  it('does not warm with warmupMaxSeconds 0', async () => {
    let asked = 0;
    const { probe } = fakeStack({ rate: 42, breaksAt: 200, warmth: () => (asked++, { state: 'warming', hitRate: 0.5, rise: 0.02 }) });
    const result = await search(params({ warmupMaxSeconds: 0 }), probe, new AbortController().signal, 42);
    expect(result.warmup).toBeNull();
    expect(asked).toBe(0);
  });

  it('passes every step up to the max rate when nothing breaks', async () => {
    const { probe } = fakeStack({ rate: 42, breaksAt: Infinity });
    const result = await search(params(), probe, new AbortController().signal, 42);
    expect(result.ended).toBe('max-rate-passed');
    expect(result.highestPassingRate).toBe(500);
    expect(result.steps.every((s) => s.verdict === 'pass' && s.secondsJudged === 5)).toBe(true);
  });

  it('ends as cancelled, with the steps so far and the rate restored', async () => {
    const cancel = new AbortController();
    // Each step takes settle (2) + window (5) ticks: cancelled in the second step.
    const { probe, rates } = fakeStack({ rate: 42, breaksAt: Infinity, onTick: (tick) => tick === 10 && cancel.abort() });
    const result = await search(params(), probe, cancel.signal, 42);
    expect(result).toMatchObject({ ended: 'cancelled', highestPassingRate: 100, restoredRate: 42 });
    expect(rates.at(-1)).toBe(42);
  });

  it('ends as workload-gone when the workload stops under it, and leaves it stopped', async () => {
    const { probe, rates } = fakeStack({ rate: 42, breaksAt: Infinity, goneAtTick: 3 });
    const result = await search(params(), probe, new AbortController().signal, 42);
    expect(result).toMatchObject({ ended: 'workload-gone', steps: [], restoredRate: null });
    expect(rates).toEqual([100]);
  });
});

describe('CapacityRunner', () => {
  it('refuses a search without a workload and a second search while one runs; cancel ends it', async () => {
    const runner = new CapacityRunner(new AbortController().signal);
    const idle = fakeStack({ rate: 1, breaksAt: Infinity });
    idle.probe.rate = () => null;
    expect(await errorOf(runner.run(params(), idle.probe))).toMatchObject({ message: expect.stringMatching(/No workload/) });
    const { probe } = fakeStack({ rate: 42, breaksAt: Infinity, onTick: () => undefined });
    let release = () => {};
    probe.nextSecond = (signal) =>
      new Promise((resolve) => {
        release = resolve;
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    const first = runner.run(params(), probe);
    expect(runner.status().running).toBe(true);
    expect(await errorOf(runner.run(params(), probe))).toMatchObject({ message: expect.stringMatching(/already running/) });
    expect(runner.cancel()).toBe(true);
    release();
    expect((await first).ended).toBe('cancelled');
    expect(runner.status()).toMatchObject({ running: false, last: { ended: 'cancelled' } });
    expect(runner.cancel()).toBe(false);
  });

  it('says engine-stopping when the engine stops it', async () => {
    const stopping = new AbortController();
    const runner = new CapacityRunner(stopping.signal);
    const { probe } = fakeStack({ rate: 42, breaksAt: Infinity, onTick: (tick) => tick === 3 && stopping.abort() });
    expect((await runner.run(params(), probe)).ended).toBe('engine-stopping');
  });
});
