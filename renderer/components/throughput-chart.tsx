import type { ChartPoint } from '../state/telemetry-series.ts';
import { formatRateTick, formatRateTooltip } from './chart-format.ts';
import { TimeSeriesChart, type SeriesLine } from './time-series-chart.tsx';

const LINES: readonly SeriesLine<ChartPoint>[] = [
  { dataKey: 'target', stroke: 'var(--chart-target)', dashed: true },
  { dataKey: 'achieved', stroke: 'var(--chart-1)' },
];

/** Completed requests per second against the target (the target only for the whole workload). */
export function ThroughputChart({ series }: { series: ChartPoint[] }) {
  return (
    <TimeSeriesChart
      series={series}
      title="Throughput, achieved vs target"
      unit="req/s"
      testId="throughput-chart"
      emptyText="No throughput yet: start a workload to measure it."
      lines={LINES}
      tickFormatter={formatRateTick}
      tooltipFormatter={formatRateTooltip}
    />
  );
}
