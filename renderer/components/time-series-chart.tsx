import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartFrame } from './chart-frame.tsx';
import { CHART_MARGIN, TIME_AXIS, formatTooltipTime, hasData, TOOLTIP_STYLE, VALUE_AXIS_WIDTH } from './chart-format.ts';

export interface SeriesLine<P> {
  dataKey: keyof P & string;
  /** The legend's name; the data key when absent. */
  name?: string;
  /** A CSS colour, usually a theme variable. */
  stroke: string;
  dashed?: boolean;
  /** Draw steps instead of slopes: for a state (a pressure level) that holds until it changes. */
  step?: boolean;
}

/** A moment on the time axis (a cleanup), drawn as a dashed vertical line with a short label. */
export interface ChartMarker {
  at: number;
  label: string;
}

export interface TimeSeriesChartProps<P extends { at: number }> {
  series: readonly P[];
  title: string;
  unit: string;
  testId: string;
  emptyText: string;
  lines: readonly SeriesLine<P>[];
  tickFormatter: (value: number) => string;
  tooltipFormatter: (value: unknown) => string;
  markers?: readonly ChartMarker[];
  /** Fixed value ticks and domain, for a scale of named steps (the pressure levels); automatic when absent. */
  valueTicks?: readonly number[];
}

/**
 * The one shape of every live chart: time on x, one value axis, a line per series, no
 * animation and no dots (they would redraw the world every second), units on the axis.
 */
export function TimeSeriesChart<P extends { at: number }>({
  series,
  title,
  unit,
  testId,
  emptyText,
  lines,
  tickFormatter,
  tooltipFormatter,
  markers,
  valueTicks,
}: TimeSeriesChartProps<P>) {
  return (
    <ChartFrame
      title={title}
      unit={unit}
      testId={testId}
      empty={
        !hasData(
          series,
          lines.map((l) => l.dataKey),
        )
      }
      emptyText={emptyText}
    >
      {(width, height) => (
        <LineChart width={width} height={height} data={series as P[]} margin={CHART_MARGIN}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--chart-grid)" />
          <XAxis {...TIME_AXIS} stroke="var(--text-muted)" />
          <YAxis
            tickFormatter={tickFormatter}
            stroke="var(--text-muted)"
            width={VALUE_AXIS_WIDTH}
            {...(valueTicks
              ? { ticks: [...valueTicks], domain: [valueTicks[0] ?? 0, valueTicks[valueTicks.length - 1] ?? 0], interval: 0 }
              : {})}
          />
          <Tooltip formatter={tooltipFormatter} labelFormatter={formatTooltipTime} contentStyle={TOOLTIP_STYLE} />
          <Legend />
          {lines.map((line) => (
            <Line
              key={line.dataKey}
              dataKey={line.dataKey}
              name={line.name ?? line.dataKey}
              stroke={line.stroke}
              {...(line.dashed ? { strokeDasharray: '4 3' } : {})}
              strokeWidth={line.dashed ? 1 : 1.5}
              {...(line.step ? { type: 'stepAfter' as const } : {})}
              dot={false}
              isAnimationActive={false}
            />
          ))}
          {markers?.map((marker, i) => (
            <ReferenceLine
              key={`${marker.at}-${i}`}
              x={marker.at}
              stroke="var(--text-muted)"
              strokeDasharray="3 3"
              label={{ value: marker.label, position: 'insideTopLeft', fill: 'var(--text-muted)', fontSize: 11 }}
            />
          ))}
        </LineChart>
      )}
    </ChartFrame>
  );
}
