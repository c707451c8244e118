import type { Histogram } from 'hdr-histogram-js';
import type { Metric, Registry } from 'prom-client';
import { LATENCY_BUCKETS_SECONDS, LatencyBuckets } from './latency-buckets.ts';

interface ExposedValue {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/**
 * A Prometheus histogram (`_bucket`, `_sum`, `_count`) with one label, in seconds, whose counts come from closed HDR
 * intervals instead of one `observe()` per request: prom-client's Histogram has no way to add bucket counts, and
 * observing every request again would record each one twice.
 *
 * prom-client's Registry takes any object with a name, help, type, aggregator and `get()`; its types list only its
 * own four classes, hence the one cast at registration.
 */
export class HdrHistogramMetric<Label extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, LatencyBuckets>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelName: Label,
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  /** Adds one closed interval's HDR histogram (microseconds) to the series of `labelValue`. */
  add(labelValue: string, histogram: Histogram): void {
    if (histogram.totalCount === 0) return;
    let buckets = this.series.get(labelValue);
    if (!buckets) {
      buckets = new LatencyBuckets();
      this.series.set(labelValue, buckets);
    }
    buckets.add(histogram);
  }

  reset(): void {
    this.series.clear();
  }

  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: ExposedValue[] }> {
    const values: ExposedValue[] = [];
    for (const [labelValue, buckets] of this.series) {
      const labels = { [this.labelName]: labelValue };
      buckets.cumulative().forEach((count, index) => {
        values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: LATENCY_BUCKETS_SECONDS[index]! }, value: count });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: buckets.count });
      values.push({ metricName: `${this.name}_sum`, labels, value: buckets.sumSeconds });
      values.push({ metricName: `${this.name}_count`, labels, value: buckets.count });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }
}
