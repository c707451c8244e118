import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { ChartPoint } from '../state/telemetry-series.ts';
import { ChartFrame } from './chart-frame.tsx';
import { CHART_MARGIN, TIME_AXIS, formatRateTooltip, formatRateTick, formatTooltipTime, hasData, TOOLTIP_STYLE, VALUE_AXIS_WIDTH } from './chart-format.ts';

/** Failed and shed requests per second: shed ones were never sent because too many were in flight. */
export function ErrorsChart({ series }: { series: ChartPoint[] }) {
  return (
    <ChartFrame title="Errors and shed requests" unit="per second" testId="errors-chart" empty={!hasData(series, ['errors', 'shed'])} emptyText="No requests yet: start a workload to measure errors.">
      {(width, height) => (
        <LineChart width={width} height={height} data={series} margin={CHART_MARGIN}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--chart-grid)" />
          <XAxis {...TIME_AXIS} stroke="var(--text-muted)" />
          <YAxis tickFormatter={formatRateTick} stroke="var(--text-muted)" width={VALUE_AXIS_WIDTH} />
          <Tooltip formatter={formatRateTooltip} labelFormatter={formatTooltipTime} contentStyle={TOOLTIP_STYLE} />
          <Legend />
          <Line dataKey="errors" name="errors" stroke="var(--chart-bad)" dot={false} isAnimationActive={false} strokeWidth={1.5} />
          <Line dataKey="shed" name="shed" stroke="var(--chart-warn)" dot={false} isAnimationActive={false} strokeWidth={1.5} />
        </LineChart>
      )}
    </ChartFrame>
  );
}
