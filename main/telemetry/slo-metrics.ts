import { Gauge, type Registry } from 'prom-client';
import type { SloMetricReport, SloReport, SloUnit } from '../contract/slo.ts';

/**
 * The sustained success metrics in /metrics, for every window at once (the console's choice of window does not
 * change them). One family per unit, as Prometheus's naming guide asks (a name has one unit, in base units):
 * latencies in seconds, throughput in requests per second, the shares as 0..1 ratios. A metric still waiting for
 * its window is absent (not 0: nothing is known yet), and so is a worst value before any second was judged.
 */
export class SloMetrics {
  private readonly pass: Gauge<'slo' | 'window'>;
  private readonly worst: Record<SloUnit, Gauge<'slo' | 'window'>>;
  private readonly mean: Gauge<'slo' | 'window'>;

  constructor(registry: Registry) {
    const registers = [registry];
    const labelNames = ['slo', 'window'] as const;
    this.pass = new Gauge({
      name: 'hotpath_slo_pass',
      help: "1 when the full window met the target, 0 when it did not (every second must meet it; memory and CPU: the window's mean); absent while the window fills.",
      labelNames,
      registers,
    });
    const worstHelp = (what: string) => `The worst second in the window (a failed one first) of the ${what} targets; absent before one.`;
    this.worst = {
      ms: new Gauge({ name: 'hotpath_slo_worst_seconds', help: worstHelp('latency (p50, p95, p99)'), labelNames, registers }),
      'requests-per-second': new Gauge({
        name: 'hotpath_slo_worst_requests_per_second',
        help: worstHelp('throughput'),
        labelNames,
        registers,
      }),
      ratio: new Gauge({
        name: 'hotpath_slo_worst_ratio',
        help: worstHelp('share (cache hit rate, pool efficiency, memory, CPU: 0..1)'),
        labelNames,
        registers,
      }),
    };
    this.mean = new Gauge({
      name: 'hotpath_slo_mean_ratio',
      help: "The window's mean of the targets judged on it (memory, CPU: 0..1); absent before a second was judged.",
      labelNames,
      registers,
    });
  }

  observe(reports: readonly SloReport[]): void {
    for (const report of reports) {
      const window = `${report.windowSeconds}s`;
      for (const metric of report.metrics) this.observeMetric(metric, { slo: metric.id, window });
    }
  }

  private observeMetric(metric: SloMetricReport, labels: { slo: string; window: string }): void {
    if (metric.verdict === 'waiting') this.pass.remove(labels);
    else this.pass.set(labels, metric.verdict === 'pass' ? 1 : 0);
    const gauge = this.worst[metric.unit];
    if (metric.worst === null) gauge.remove(labels);
    else gauge.set(labels, baseUnit(metric.unit, metric.worst.value));
    if (metric.judgedOn !== 'window-mean') return;
    if (metric.mean === null) this.mean.remove(labels);
    else this.mean.set(labels, baseUnit(metric.unit, metric.mean));
  }
}

/**
 * Prometheus's base units (seconds, not milliseconds), to the precision measured: latencies are recorded in whole
 * µs, a rate over about a second of wall clock resolves 4 significant digits, a share 4 decimals (enough that 0.7996
 * does not read as the 0.8 it passed under).
 */
function baseUnit(unit: SloUnit, value: number): number {
  if (unit === 'ms') return Number((value / 1000).toFixed(6));
  if (unit === 'requests-per-second') return Number(value.toPrecision(4));
  // A _ratio stays within 0..1 (docs/metrics.md): memory above its budget reads 1 here, failed in hotpath_slo_pass, and
  // hotpath_memory_rss_bytes / hotpath_memory_budget_bytes say by how much.
  return Number(Math.min(1, value).toFixed(4));
}
