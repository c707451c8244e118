import { describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../../main/telemetry/index.ts';
import { expositionProblems } from '../../support/prometheus-text.ts';
import { SloJudge } from '../../../main/slo/index.ts';
import { second } from '../slo/slo-fixtures.ts';

function judged(seconds: number, p99At = (_n: number) => 20): SloJudge {
  const judge = new SloJudge();
  for (let n = 1; n <= seconds; n++) judge.record(second(n, { p99: p99At(n), rate: n === 30 ? 9_000 : 12_000 }));
  return judge;
}

describe('SLO metrics in /metrics', () => {
  it('leave a verdict out while its window fills, and give the worst second so far in base units', async () => {
    const metrics = new PrometheusMetrics(() => null);
    metrics.observeSlo(judged(10).reportEveryWindow());
    const text = await metrics.text();
    expect(text).not.toMatch(/^hotpath_slo_pass\{/m);
    expect(text).toMatch(/^hotpath_slo_worst_seconds\{slo="p99",window="60s"\} 0\.02$/m);
    expect(text).toMatch(/^hotpath_slo_worst_requests_per_second\{slo="throughput",window="900s"\} 12000$/m);
    expect(text).toMatch(/^hotpath_slo_worst_ratio\{slo="pool-efficiency",window="300s"\} 0\.95$/m);
  });

  it('say 1 for a full window that passed and 0 once a second in it failed, per window', async () => {
    const metrics = new PrometheusMetrics(() => null);
    metrics.observeSlo(judged(100, (n) => (n === 20 ? 150 : 20)).reportEveryWindow());
    const text = await metrics.text();
    expect(text).toMatch(/^hotpath_slo_pass\{slo="p99",window="60s"\} 1$/m);
    expect(text).toMatch(/^hotpath_slo_worst_seconds\{slo="p99",window="60s"\} 0\.02$/m);
    // The 5- and 15-minute windows are not full, but the failed seconds decide them already.
    expect(text).toMatch(/^hotpath_slo_pass\{slo="p99",window="300s"\} 0$/m);
    expect(text).toMatch(/^hotpath_slo_worst_seconds\{slo="p99",window="900s"\} 0\.15$/m);
    expect(text).toMatch(/^hotpath_slo_pass\{slo="throughput",window="900s"\} 0$/m);
    expect(text).toMatch(/^hotpath_slo_worst_requests_per_second\{slo="throughput",window="300s"\} 9000$/m);
    expect(text).not.toMatch(/^hotpath_slo_pass\{slo="memory",window="300s"\}/m);
  });

  it('give values to the precision measured, not float noise', async () => {
    const metrics = new PrometheusMetrics(() => null);
    const judge = new SloJudge();
    judge.record(second(1, { p99: 2.739, rate: 196.97894393578855, memory: 0.2001781463623047 }));
    metrics.observeSlo(judge.reportEveryWindow());
    const text = await metrics.text();
    expect(text).toMatch(/^hotpath_slo_worst_seconds\{slo="p99",window="60s"\} 0\.002739$/m);
    expect(text).toMatch(/^hotpath_slo_worst_requests_per_second\{slo="throughput",window="60s"\} 197$/m);
    expect(text).toMatch(/^hotpath_slo_worst_ratio\{slo="memory",window="60s"\} 0\.2002$/m);
    expect(expositionProblems(text)).toEqual([]);
  });

  it('keep the memory share within 0..1 when the engine is over its budget', async () => {
    const metrics = new PrometheusMetrics(() => null);
    const judge = new SloJudge();
    for (let n = 1; n <= 60; n++) judge.record(second(n, { memory: 1.25 }));
    metrics.observeSlo(judge.reportEveryWindow());
    const text = await metrics.text();
    expect(text).toMatch(/^hotpath_slo_worst_ratio\{slo="memory",window="60s"\} 1$/m);
    expect(text).toMatch(/^hotpath_slo_mean_ratio\{slo="memory",window="60s"\} 1$/m);
    expect(text).toMatch(/^hotpath_slo_pass\{slo="memory",window="60s"\} 0$/m);
    expect(expositionProblems(text)).toEqual([]);
  });

  it("judge memory and CPU on the window's mean, which a few seconds above the goal do not fail", async () => {
    const metrics = new PrometheusMetrics(() => null);
    const judge = new SloJudge();
    // 90% CPU one second in ten, 50% otherwise: a mean of 54%.
    for (let n = 1; n <= 60; n++) judge.record(second(n, { cpuPercent: n % 10 === 0 ? 90 : 50 }));
    metrics.observeSlo(judge.reportEveryWindow());
    let text = await metrics.text();
    expect(text).toMatch(/^hotpath_slo_mean_ratio\{slo="cpu",window="60s"\} 0\.54$/m);
    expect(text).toMatch(/^hotpath_slo_worst_ratio\{slo="cpu",window="60s"\} 0\.9$/m);
    expect(text).toMatch(/^hotpath_slo_pass\{slo="cpu",window="60s"\} 1$/m);
    expect(text).not.toMatch(/^hotpath_slo_mean_ratio\{slo="p95"/m);
    // A window whose mean is above the goal fails.
    for (let n = 61; n <= 90; n++) judge.record(second(n, { cpuPercent: 95 }));
    metrics.observeSlo(judge.reportEveryWindow());
    text = await metrics.text();
    expect(text).toMatch(/^hotpath_slo_pass\{slo="cpu",window="60s"\} 0$/m);
    expect(expositionProblems(text)).toEqual([]);
  });

  it('drop a verdict and its worst value again when the workload stops', async () => {
    const metrics = new PrometheusMetrics(() => null);
    const judge = judged(60);
    metrics.observeSlo(judge.reportEveryWindow());
    expect(await metrics.text()).toMatch(/^hotpath_slo_pass\{slo="p50",window="60s"\} 1$/m);
    judge.record(second(61, { workload: false }));
    metrics.observeSlo(judge.reportEveryWindow());
    const text = await metrics.text();
    expect(text).not.toMatch(/^hotpath_slo_pass\{slo="p50"/m);
    expect(text).not.toMatch(/^hotpath_slo_worst_seconds\{slo="p50"/m);
    expect(text).toMatch(/^hotpath_slo_pass\{slo="memory",window="60s"\} 1$/m);
  });
});
