import { describe, expect, it } from 'vitest';
import type { CapacityResult } from '../../../main/contract/capacity.ts';
import { capacityTable } from '../../../app/cli/bench/capacity-bench.ts';
import { formatBenchTable } from '../../../app/cli/bench/print-bench.ts';

const result: CapacityResult = {
  params: { startRate: 2_000, step: 2_000, maxRate: 20_000, windowSeconds: 300, settleSeconds: 30, warmupMaxSeconds: 600 },
  warmup: { seconds: 95, hitRate: 0.912, steady: true },
  steps: [
    { rate: 2_000, achievedRate: 1_998.4, verdict: 'pass', secondsJudged: 300, failures: [] },
    {
      rate: 4_000,
      achievedRate: 3_100,
      verdict: 'fail',
      secondsJudged: 4,
      failures: [
        {
          id: 'throughput',
          label: 'Throughput',
          target: '≥ 3,600 req/s',
          reason: 'failed',
          judgedOn: 'each-second',
          mean: 3_100,
          worst: { at: 1, value: 2_950, passed: false, note: '40 requests shed' },
        },
        { id: 'cpu', label: 'CPU', target: '< 70% sustained', reason: 'unjudged', judgedOn: 'window-mean', mean: null, worst: null },
        {
          id: 'memory',
          label: 'Memory',
          target: '< 80% sustained',
          reason: 'failed',
          judgedOn: 'window-mean',
          mean: 0.824,
          worst: { at: 2, value: 0.91, passed: false, note: null },
        },
      ],
    },
  ],
  highestPassingRate: 2_000,
  ended: 'step-failed',
  throughputGoal: 10_000,
  meetsThroughputGoal: false,
  restoredRate: 2_000,
  startedAt: 0,
  endedAt: 1,
};

describe('bench capacity table', () => {
  it('has one row per step with the failing metrics and their worst second, and the command that reproduces it', () => {
    const table = capacityTable(result, { local: true, dataDir: '/tmp/x', workload: 'demo' });
    expect(table.title).toBe('Capacity: all eight held at 2,000 req/s over 300 s windows (a step failed)');
    expect(table.rows).toEqual([
      { 'rate (req/s)': 2_000, 'achieved (req/s)': 1_998, verdict: 'pass', 'held (s)': 300, 'failed (worst second)': '' },
      {
        'rate (req/s)': 4_000,
        'achieved (req/s)': 3_100,
        verdict: 'fail',
        'held (s)': 4,
        'failed (worst second)':
          'Throughput: 2,950 req/s, 40 requests shed (≥ 3,600 req/s); CPU: not judged; Memory: mean 82.4%, worst second 91.0% (< 80% sustained)',
      },
    ]);
    expect(table.command).toBe(
      'hotpath bench capacity --local --workload demo --start-rate 2000 --step 2000 --max-rate 20000 --window-seconds 300 --settle-seconds 30 --warmup-max-seconds 600',
    );
    expect(table.json).toBe(result);
    expect(capacityTable(result, { local: true, dataDir: '/tmp/x', workload: 'demo', dedicatedCore: false }).command).toMatch(
      / --no-dedicated-core$/,
    );
    expect(formatBenchTable(table)).toContain('note: throughput is judged against each step');
    expect(formatBenchTable(table)).toContain(
      'note: the cache warmed for 95 s at 2,000 req/s before the first step to a hit rate of 91.2% (steady)',
    );
  });
});
