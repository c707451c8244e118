import type { ChartPoint } from '../state/telemetry-series.ts';
import { formatRateTick, formatRateTooltip } from './chart-format.ts';
import { TimeSeriesChart, type SeriesLine } from './time-series-chart.tsx';

const LINES: readonly SeriesLine<ChartPoint>[] = [
  { dataKey: 'errors', stroke: 'var(--chart-bad)' },
  { dataKey: 'shed', stroke: 'var(--chart-warn)' },
];

/** Failed and shed requests per second: shed ones were never sent because too many were in flight. */
export function ErrorsChart({ series }: { series: ChartPoint[] }) {
  return (
    <TimeSeriesChart
      series={series}
      title="Errors and shed requests"
      unit="per second"
      testId="errors-chart"
      emptyText="No requests yet: start a workload to measure errors."
      lines={LINES}
      tickFormatter={formatRateTick}
      tooltipFormatter={formatRateTooltip}
    />
  );
}
