import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { ChartPoint } from '../state/telemetry-series.ts';
import { ChartFrame } from './chart-frame.tsx';
import { CHART_MARGIN, TIME_AXIS, formatRateTick, formatRateTooltip, formatTooltipTime, hasData, TOOLTIP_STYLE, VALUE_AXIS_WIDTH } from './chart-format.ts';

/** Completed requests per second against the target (the target only for the whole workload). */
export function ThroughputChart({ series }: { series: ChartPoint[] }) {
  return (
    <ChartFrame title="Throughput, achieved vs target" unit="req/s" testId="throughput-chart" empty={!hasData(series, ['achieved', 'target'])} emptyText="No throughput yet: start a workload to measure it.">
      {(width, height) => (
        <LineChart width={width} height={height} data={series} margin={CHART_MARGIN}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--chart-grid)" />
          <XAxis {...TIME_AXIS} stroke="var(--text-muted)" />
          <YAxis tickFormatter={formatRateTick} stroke="var(--text-muted)" width={VALUE_AXIS_WIDTH} />
          <Tooltip formatter={formatRateTooltip} labelFormatter={formatTooltipTime} contentStyle={TOOLTIP_STYLE} />
          <Legend />
          <Line dataKey="target" name="target" stroke="var(--chart-target)" strokeDasharray="4 3" dot={false} isAnimationActive={false} />
          <Line dataKey="achieved" name="achieved" stroke="var(--chart-1)" dot={false} isAnimationActive={false} strokeWidth={1.5} />
        </LineChart>
      )}
    </ChartFrame>
  );
}
