import type { ChartPoint } from '../state/telemetry-series.ts';
import { formatMsTick, formatMsTooltip } from './chart-format.ts';
import { TimeSeriesChart, type SeriesLine } from './time-series-chart.tsx';

const LINES: readonly SeriesLine<ChartPoint>[] = [
  { dataKey: 'p50', stroke: 'var(--chart-1)' },
  { dataKey: 'p95', stroke: 'var(--chart-2)' },
  { dataKey: 'p99', stroke: 'var(--chart-3)' },
];

/** p50, p95 and p99 latency per second (the maximum per bucket on long windows). `subject`: "all templates" or a template's name. */
export function LatencyChart({ series, subject }: { series: ChartPoint[]; subject: string }) {
  return (
    <TimeSeriesChart
      series={series}
      title={`Latency, ${subject}`}
      unit="ms"
      testId="latency-chart"
      emptyText="No latency yet: start a workload to measure it."
      lines={LINES}
      tickFormatter={formatMsTick}
      tooltipFormatter={formatMsTooltip}
    />
  );
}
