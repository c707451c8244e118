import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { ChartPoint } from '../state/telemetry-series.ts';
import { ChartFrame } from './chart-frame.tsx';
import { CHART_MARGIN, TIME_AXIS, formatMsTick, formatMsTooltip, formatTooltipTime, hasData, TOOLTIP_STYLE, VALUE_AXIS_WIDTH } from './chart-format.ts';

interface LatencyChartProps {
  series: ChartPoint[];
  /** "all templates" or a template's name, for the title. */
  subject: string;
}

/** p50, p95 and p99 latency per second (the maximum per bucket on long windows). */
export function LatencyChart({ series, subject }: LatencyChartProps) {
  return (
    <ChartFrame title={`Latency, ${subject}`} unit="ms" testId="latency-chart" empty={!hasData(series, ['p50', 'p95', 'p99'])} emptyText="No latency yet: start a workload to measure it.">
      {(width, height) => (
        <LineChart width={width} height={height} data={series} margin={CHART_MARGIN}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--chart-grid)" />
          <XAxis {...TIME_AXIS} stroke="var(--text-muted)" />
          <YAxis tickFormatter={formatMsTick} stroke="var(--text-muted)" width={VALUE_AXIS_WIDTH} />
          <Tooltip formatter={formatMsTooltip} labelFormatter={formatTooltipTime} contentStyle={TOOLTIP_STYLE} />
          <Legend />
          <Line dataKey="p50" name="p50" stroke="var(--chart-1)" dot={false} isAnimationActive={false} strokeWidth={1.5} />
          <Line dataKey="p95" name="p95" stroke="var(--chart-2)" dot={false} isAnimationActive={false} strokeWidth={1.5} />
          <Line dataKey="p99" name="p99" stroke="var(--chart-3)" dot={false} isAnimationActive={false} strokeWidth={1.5} />
        </LineChart>
      )}
    </ChartFrame>
  );
}
