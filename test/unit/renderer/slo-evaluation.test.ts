import { describe, expect, it } from 'vitest';
import { evaluateSlos } from '../../../renderer/slo/slo-evaluation.ts';
import { describeSaturation } from '../../../renderer/slo/saturation.ts';
import { cacheInterval, memoryInterval, poolInterval, templateStats, workloadInterval } from './fixtures.ts';

const verdicts = (results: ReturnType<typeof evaluateSlos>) => Object.fromEntries(results.map((r) => [r.id, r.verdict]));

describe('SLO evaluation', () => {
  it('passes and fails each latency and throughput target on the newest second', () => {
    const interval = workloadInterval(1000, {
      achievedRate: 12_000,
      templates: [templateStats('all', { latency: { p50: 4, p95: 60, p99: 99.9 } })],
    });
    const results = evaluateSlos(interval);
    expect(verdicts(results)).toMatchObject({ p50: 'pass', p95: 'fail', p99: 'pass', throughput: 'pass' });
    expect(results.find((r) => r.id === 'p95')).toMatchObject({ label: 'p95 latency', target: '< 50 ms', value: '60 ms' });
    expect(results.find((r) => r.id === 'throughput')?.value).toBe('12,000 req/s');
  });

  it('fails throughput below 10,000 req/s', () => {
    expect(verdicts(evaluateSlos(workloadInterval(1000, { achievedRate: 500 }))).throughput).toBe('fail');
  });

  it('waits for data with no workload, during warm-up, and with no completed request', () => {
    for (const interval of [null, workloadInterval(1, { warmup: true })]) {
      expect(verdicts(evaluateSlos(interval))).toMatchObject({ p50: 'waiting', p95: 'waiting', p99: 'waiting', throughput: 'waiting' });
    }
    const noneCompleted = workloadInterval(1, { achievedRate: 0, templates: [templateStats('all', { count: 0, latency: { count: 0 } })] });
    expect(verdicts(evaluateSlos(noneCompleted))).toMatchObject({ p99: 'waiting', throughput: 'fail' });
  });

  it('passes the cache hit rate above 80% of cached reads, fails at or below, waits without cached reads', () => {
    const hitRate = (cache: ReturnType<typeof cacheInterval> | null) =>
      evaluateSlos(workloadInterval(1), cache).find((r) => r.id === 'cache-hit-rate');
    expect(hitRate(cacheInterval(0.93))).toMatchObject({ verdict: 'pass', value: '93%', target: '> 80%' });
    expect(hitRate(cacheInterval(0.8))).toMatchObject({ verdict: 'fail', value: '80%' });
    expect(hitRate(cacheInterval(0.5, { requests: 0, hits: 0, hitRate: null }))).toMatchObject({ verdict: 'waiting', value: null });
    expect(hitRate(null)).toMatchObject({ verdict: 'waiting' });
  });

  it('passes pool efficiency above 90% while callers waited, and when nobody waited; waits without a pool', () => {
    const efficiency = (pool: ReturnType<typeof poolInterval> | null) =>
      evaluateSlos(workloadInterval(1), null, pool).find((r) => r.id === 'pool-efficiency');
    expect(efficiency(poolInterval(0.95))).toMatchObject({ verdict: 'pass', value: '95%', target: '> 90%' });
    expect(efficiency(poolInterval(0.6))).toMatchObject({ verdict: 'fail', value: '60%' });
    expect(efficiency(poolInterval(null))).toMatchObject({ verdict: 'pass', value: 'no waits' });
    expect(efficiency(null)).toMatchObject({ verdict: 'waiting', value: null });
  });

  it('passes memory below 80% usage (the higher of RSS / budget and the machine share), fails at or above, waits without a reading', () => {
    const memoryTile = (memory: ReturnType<typeof memoryInterval> | null) =>
      evaluateSlos(null, null, null, memory).find((r) => r.id === 'memory');
    expect(memoryTile(memoryInterval(0.5))).toMatchObject({ verdict: 'pass', value: '50%', label: 'Memory', target: '< 80%' });
    expect(memoryTile(memoryInterval(0.8))).toMatchObject({ verdict: 'fail', value: '80%' });
    expect(memoryTile(memoryInterval(0.912, { usageSource: 'machine' }))).toMatchObject({ verdict: 'fail', value: '91.2%' });
    expect(memoryTile(null)).toMatchObject({ verdict: 'waiting', value: null });
  });

  it("passes CPU below 70% of the machine's cores, fails at or above, waits without a reading or where it cannot be read", () => {
    const cpu = (load: number | null | 'none') =>
      evaluateSlos(
        null,
        null,
        null,
        load === 'none' ? null : memoryInterval(0.5, { machine: { totalBytes: 1, availableBytes: 1, cores: 4, cpuLoadPercent: load } }),
      ).find((r) => r.id === 'cpu');
    expect(cpu(30)).toMatchObject({ verdict: 'pass', value: '30%', label: 'CPU', target: '< 70%' });
    expect(cpu(69.6)).toMatchObject({ verdict: 'pass', value: '69%' });
    expect(cpu(70)).toMatchObject({ verdict: 'fail', value: '70%' });
    expect(cpu(null)).toMatchObject({ verdict: 'waiting', value: null });
    expect(cpu('none')).toMatchObject({ verdict: 'waiting', value: null });
  });

  it('measures memory and CPU without a workload, in the order of the seed', () => {
    const results = evaluateSlos(null, null, null, memoryInterval(0.5));
    expect(results.map((r) => r.id)).toEqual(['p50', 'p95', 'p99', 'throughput', 'cache-hit-rate', 'pool-efficiency', 'memory', 'cpu']);
    expect(verdicts(results)).toMatchObject({ p99: 'waiting', memory: 'pass', cpu: 'pass' });
  });
});

describe('saturation', () => {
  it('is silent while the target is met', () => {
    expect(describeSaturation(workloadInterval(1))).toBeNull();
    expect(describeSaturation(null)).toBeNull();
  });

  it('says what was achieved against the target, the backlog, and shed requests', () => {
    const text = describeSaturation(
      workloadInterval(1, {
        saturated: true,
        targetRate: 5000,
        achievedRate: 3000,
        inFlight: 9000,
        templates: [templateStats('all', { shed: 120 })],
      }),
    );
    expect(text).toContain('Target not met: 3,000 req/s completed of 5,000 req/s asked (60%)');
    expect(text).toContain('9,000 requests waiting');
    expect(text).toContain('120 requests shed');
  });
});
