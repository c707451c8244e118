import type { PoolPoint } from '../state/pool-series.ts';
import { formatMsTick, formatMsTooltip, formatPercentTick, formatPercentTooltip } from './chart-format.ts';
import { TimeSeriesChart, type SeriesLine } from './time-series-chart.tsx';

const WAIT_LINES: readonly SeriesLine<PoolPoint>[] = [
  { dataKey: 'waitHigh', name: 'high lane', stroke: 'var(--chart-1)' },
  { dataKey: 'waitNormal', name: 'normal lane (workload)', stroke: 'var(--chart-2)' },
  { dataKey: 'waitLow', name: 'low lane (background)', stroke: 'var(--chart-3)' },
];

const CONNECTION_LINES: readonly SeriesLine<PoolPoint>[] = [
  { dataKey: 'max', name: 'max', stroke: 'var(--chart-target)', dashed: true },
  { dataKey: 'active', name: 'active', stroke: 'var(--chart-1)' },
  { dataKey: 'idle', name: 'idle', stroke: 'var(--chart-2)' },
  { dataKey: 'waiting', name: 'callers waiting', stroke: 'var(--chart-3)' },
];

const SHARE_LINES: readonly SeriesLine<PoolPoint>[] = [
  { dataKey: 'efficiency', name: 'efficiency (query time over time in the pool)', stroke: 'var(--chart-1)' },
  { dataKey: 'busy', name: 'busy share', stroke: 'var(--chart-2)', dashed: true },
];

const formatCountTick = (value: unknown): string => (typeof value === 'number' ? String(Math.round(value)) : String(value));
const formatCountTooltip = (value: unknown): string => (typeof value === 'number' ? value.toFixed(1) : 'no data');

export function PoolWaitChart({ series }: { series: readonly PoolPoint[] }) {
  return (
    <TimeSeriesChart
      series={series}
      title="Wait for a connection, p99 per lane"
      unit="ms"
      testId="pool-wait-chart"
      emptyText="No connection was asked for yet: start a workload."
      lines={WAIT_LINES}
      tickFormatter={formatMsTick}
      tooltipFormatter={formatMsTooltip}
    />
  );
}

export function PoolConnectionsChart({ series }: { series: readonly PoolPoint[] }) {
  return (
    <TimeSeriesChart
      series={series}
      title="Connections and waiting callers"
      unit="connections"
      testId="pool-connections-chart"
      emptyText="No pool yet: connect a stack."
      lines={CONNECTION_LINES}
      tickFormatter={formatCountTick}
      tooltipFormatter={formatCountTooltip}
    />
  );
}

/** Efficiency: of the time callers spent in the pool (waiting or holding a connection), the share their queries ran (the README defines it). */
export function PoolEfficiencyChart({ series }: { series: readonly PoolPoint[] }) {
  return (
    <TimeSeriesChart
      series={series}
      title="Efficiency and busy share"
      unit="%"
      testId="pool-efficiency-chart"
      emptyText="No pool yet: connect a stack."
      lines={SHARE_LINES}
      tickFormatter={formatPercentTick}
      tooltipFormatter={formatPercentTooltip}
    />
  );
}
