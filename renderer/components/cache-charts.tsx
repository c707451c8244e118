import type { CachePoint } from '../state/cache-series.ts';
import {
  formatMiBTick,
  formatMiBTooltip,
  formatPercentTick,
  formatPercentTooltip,
  formatPerSecondTick,
  formatPerSecondTooltip,
} from './chart-format.ts';
import { TimeSeriesChart, type SeriesLine } from './time-series-chart.tsx';

const HIT_RATE_LINES: readonly SeriesLine<CachePoint>[] = [
  { dataKey: 'overall', name: 'overall', stroke: 'var(--chart-target)', dashed: true },
  { dataKey: 'l1', name: 'L1 memory', stroke: 'var(--chart-1)' },
  { dataKey: 'l2', name: 'L2 Redis', stroke: 'var(--chart-2)' },
  { dataKey: 'l3', name: 'L3 object store', stroke: 'var(--chart-3)' },
];

const MEMORY_LINES: readonly SeriesLine<CachePoint>[] = [
  { dataKey: 'budgetMiB', name: 'budget', stroke: 'var(--chart-target)', dashed: true },
  { dataKey: 'l1MiB', name: 'L1 contents', stroke: 'var(--chart-1)' },
];

const CHURN_LINES: readonly SeriesLine<CachePoint>[] = [
  { dataKey: 'loads', name: 'database loads', stroke: 'var(--chart-2)' },
  { dataKey: 'evictions', name: 'L1 evictions', stroke: 'var(--chart-3)' },
];

const EMPTY = 'No cache traffic yet: run a workload with cached templates (the demo has two).';

/** Hit rate per tier: of the lookups that reached a tier, the share it answered; "overall" is of all cached reads. */
export function CacheHitRateChart({ series }: { series: readonly CachePoint[] }) {
  return (
    <TimeSeriesChart
      series={series}
      title="Hit rate per tier"
      unit="%"
      testId="cache-hit-rate-chart"
      emptyText={EMPTY}
      lines={HIT_RATE_LINES}
      tickFormatter={formatPercentTick}
      tooltipFormatter={formatPercentTooltip}
    />
  );
}

export function CacheMemoryChart({ series }: { series: readonly CachePoint[] }) {
  return (
    <TimeSeriesChart
      series={series}
      title="L1 memory against its budget"
      unit="MiB"
      testId="cache-memory-chart"
      emptyText="No cache yet: connect a stack."
      lines={MEMORY_LINES}
      tickFormatter={formatMiBTick}
      tooltipFormatter={formatMiBTooltip}
    />
  );
}

/** What the cache costs the database (loads) and what the budget costs the cache (evictions). */
export function CacheChurnChart({ series }: { series: readonly CachePoint[] }) {
  return (
    <TimeSeriesChart
      series={series}
      title="Database loads and L1 evictions"
      unit="per second"
      testId="cache-churn-chart"
      emptyText={EMPTY}
      lines={CHURN_LINES}
      tickFormatter={formatPerSecondTick}
      tooltipFormatter={formatPerSecondTooltip}
    />
  );
}
