import { describe, expect, it } from 'vitest';
import { SLO_IDS } from '../../../main/contract/slo.ts';
import { SLO_TARGETS, type SloSample } from '../../../main/slo/index.ts';
import { second } from './slo-fixtures.ts';

const sampleOf = (id: string, snapshot: ReturnType<typeof second>): SloSample => SLO_TARGETS.find((t) => t.id === id)!.sample(snapshot);
const judged = (value: number, passed: boolean, note: string | null = null) => ({ kind: 'judged', value, passed, note });

describe('SLO targets: one second of each metric', () => {
  it("are the seed's eight, in its order", () => {
    expect(SLO_TARGETS.map((t) => t.id)).toEqual([...SLO_IDS]);
    expect(SLO_TARGETS.map((t) => `${t.label} ${t.target}`)).toEqual([
      'p50 latency < 10 ms',
      'p95 latency < 50 ms',
      'p99 latency < 100 ms',
      'Throughput > 10,000 req/s',
      'Cache hit rate > 80%',
      'Pool efficiency > 90%',
      'Memory < 80% sustained',
      'CPU < 70% sustained',
    ]);
  });

  it('pass a healthy second at the goal', () => {
    const healthy = second(1);
    for (const target of SLO_TARGETS) expect(target.sample(healthy), target.id).toMatchObject({ kind: 'judged', passed: true });
  });

  it('judge latency on the completed requests: absent without a workload or in warm-up, idle with no completion', () => {
    expect(sampleOf('p99', second(1, { p99: 99.9 }))).toEqual(judged(99.9, true));
    expect(sampleOf('p99', second(1, { p99: 100 }))).toEqual(judged(100, false));
    expect(sampleOf('p99', second(1, { workload: false }))).toEqual({ kind: 'absent' });
    expect(sampleOf('p99', second(1, { warmup: true }))).toEqual({ kind: 'absent' });
    expect(sampleOf('p99', second(1, { completed: 0 }))).toEqual({ kind: 'idle' });
  });

  it('fail throughput at or below 10,000 req/s, and in any second that shed requests whatever its rate', () => {
    expect(sampleOf('throughput', second(1, { rate: 10_001 }))).toEqual(judged(10_001, true));
    expect(sampleOf('throughput', second(1, { rate: 10_000 }))).toEqual(judged(10_000, false));
    expect(sampleOf('throughput', second(1, { rate: 15_000, shed: 120 }))).toEqual(judged(15_000, false, '120 requests shed'));
    expect(sampleOf('throughput', second(1, { rate: 0, completed: 0 }))).toEqual(judged(0, false));
    expect(sampleOf('throughput', second(1, { warmup: true }))).toEqual({ kind: 'absent' });
  });

  it('judge the cache and the pool only while a workload runs past its warm-up, idle when they had nothing to do', () => {
    expect(sampleOf('cache-hit-rate', second(1, { hitRate: 0.8 }))).toEqual(judged(0.8, false));
    expect(sampleOf('cache-hit-rate', second(1, { hitRate: null }))).toEqual({ kind: 'idle' });
    expect(sampleOf('cache-hit-rate', second(1, { warmup: true }))).toEqual({ kind: 'absent' });
    expect(sampleOf('pool-efficiency', second(1, { efficiency: 0.6 }))).toEqual(judged(0.6, false));
    expect(sampleOf('pool-efficiency', second(1, { efficiency: null }))).toEqual({ kind: 'idle' });
    expect(sampleOf('pool-efficiency', second(1, { workload: false }))).toEqual({ kind: 'absent' });
  });

  it('judge memory and CPU with or without a workload; CPU as a share of all cores, idle where the host cannot read it', () => {
    const noWorkload = { workload: false };
    expect(sampleOf('memory', second(1, { ...noWorkload, memory: 0.79 }))).toEqual(judged(0.79, true));
    expect(sampleOf('memory', second(1, { memory: 0.8 }))).toEqual(judged(0.8, false));
    expect(sampleOf('memory', second(1, { memory: null }))).toEqual({ kind: 'absent' });
    expect(sampleOf('cpu', second(1, { ...noWorkload, cpuPercent: 69.6 }))).toEqual(judged(0.696, true));
    expect(sampleOf('cpu', second(1, { cpuPercent: 70 }))).toEqual(judged(0.7, false));
    expect(sampleOf('cpu', second(1, { cpuPercent: null }))).toEqual({ kind: 'idle' });
    expect(sampleOf('cpu', second(1, { memory: null }))).toEqual({ kind: 'absent' });
  });
});
