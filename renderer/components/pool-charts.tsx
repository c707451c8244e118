import type { PoolPoint } from '../state/pool-series.ts';
import { MS_SCALE, PERCENT_SCALE, type ValueScale } from './chart-scales.ts';
import { TimeSeriesCard, type TimeSeriesCardSpec } from './time-series-card.tsx';

/** Counts of connections and callers: whole numbers on the axis, one decimal in the tooltip. */
const CONNECTIONS_SCALE: ValueScale = {
  unit: 'connections',
  formatTick: (value) => (typeof value === 'number' ? String(Math.round(value)) : String(value)),
  formatTooltip: (value) => (typeof value === 'number' ? value.toFixed(1) : 'no data'),
};

const NO_POOL = 'No pool yet: connect a stack.';

const WAIT_CARD: TimeSeriesCardSpec<PoolPoint> = {
  title: 'Wait for a connection, p99 per lane',
  testId: 'pool-wait-chart',
  scale: MS_SCALE,
  lines: [
    { dataKey: 'waitHigh', name: 'high lane', stroke: 'var(--chart-1)' },
    { dataKey: 'waitNormal', name: 'normal lane (workload)', stroke: 'var(--chart-2)' },
    { dataKey: 'waitLow', name: 'low lane (background)', stroke: 'var(--chart-3)' },
  ],
  emptyText: 'No connection was asked for yet: start a workload.',
};

const CONNECTIONS_CARD: TimeSeriesCardSpec<PoolPoint> = {
  title: 'Connections and waiting callers',
  testId: 'pool-connections-chart',
  scale: CONNECTIONS_SCALE,
  lines: [
    { dataKey: 'max', name: 'max', stroke: 'var(--chart-target)', dashed: true },
    { dataKey: 'active', name: 'active', stroke: 'var(--chart-1)' },
    { dataKey: 'idle', name: 'idle', stroke: 'var(--chart-2)' },
    { dataKey: 'waiting', name: 'callers waiting', stroke: 'var(--chart-3)' },
  ],
  emptyText: NO_POOL,
};

const EFFICIENCY_CARD: TimeSeriesCardSpec<PoolPoint> = {
  title: 'Efficiency and busy share',
  testId: 'pool-efficiency-chart',
  scale: PERCENT_SCALE,
  lines: [
    { dataKey: 'efficiency', name: 'efficiency (query time over time in the pool)', stroke: 'var(--chart-1)' },
    { dataKey: 'busy', name: 'busy share', stroke: 'var(--chart-2)', dashed: true },
  ],
  emptyText: NO_POOL,
};

export function PoolWaitChart({ series }: { series: readonly PoolPoint[] }) {
  return <TimeSeriesCard series={series} card={WAIT_CARD} />;
}

export function PoolConnectionsChart({ series }: { series: readonly PoolPoint[] }) {
  return <TimeSeriesCard series={series} card={CONNECTIONS_CARD} />;
}

/** Efficiency: of the time callers spent in the pool (waiting or holding a connection), the share their queries ran (the README defines it). */
export function PoolEfficiencyChart({ series }: { series: readonly PoolPoint[] }) {
  return <TimeSeriesCard series={series} card={EFFICIENCY_CARD} />;
}
