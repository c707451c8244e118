import type { CachePoint } from '../state/cache-series.ts';
import { MIB_SCALE, PER_SECOND_SCALE, PERCENT_SCALE } from './chart-scales.ts';
import { TimeSeriesCard, type TimeSeriesCardSpec } from './time-series-card.tsx';

const NO_TRAFFIC = 'No cache traffic yet: run a workload with cached templates (the demo has two).';

const HIT_RATE_CARD: TimeSeriesCardSpec<CachePoint> = {
  title: 'Hit rate per tier',
  testId: 'cache-hit-rate-chart',
  scale: PERCENT_SCALE,
  lines: [
    { dataKey: 'overall', name: 'overall', stroke: 'var(--chart-target)', dashed: true },
    { dataKey: 'l1', name: 'L1 memory', stroke: 'var(--chart-1)' },
    { dataKey: 'l2', name: 'L2 Redis', stroke: 'var(--chart-2)' },
    { dataKey: 'l3', name: 'L3 object store', stroke: 'var(--chart-3)' },
  ],
  emptyText: NO_TRAFFIC,
};

const MEMORY_CARD: TimeSeriesCardSpec<CachePoint> = {
  title: 'L1 memory against its budget',
  testId: 'cache-memory-chart',
  scale: MIB_SCALE,
  lines: [
    { dataKey: 'budgetMiB', name: 'budget', stroke: 'var(--chart-target)', dashed: true },
    { dataKey: 'l1MiB', name: 'L1 contents', stroke: 'var(--chart-1)' },
  ],
  emptyText: 'No cache yet: connect a stack.',
};

const CHURN_CARD: TimeSeriesCardSpec<CachePoint> = {
  title: 'Database loads and L1 evictions',
  testId: 'cache-churn-chart',
  scale: PER_SECOND_SCALE,
  lines: [
    { dataKey: 'loads', name: 'database loads', stroke: 'var(--chart-2)' },
    { dataKey: 'evictions', name: 'L1 evictions', stroke: 'var(--chart-3)' },
  ],
  emptyText: NO_TRAFFIC,
};

/** Hit rate per tier: of the lookups that reached a tier, the share it answered; "overall" is of all cached reads. */
export function CacheHitRateChart({ series }: { series: readonly CachePoint[] }) {
  return <TimeSeriesCard series={series} card={HIT_RATE_CARD} />;
}

export function CacheMemoryChart({ series }: { series: readonly CachePoint[] }) {
  return <TimeSeriesCard series={series} card={MEMORY_CARD} />;
}

/** What the cache costs the database (loads) and what the budget costs the cache (evictions). */
export function CacheChurnChart({ series }: { series: readonly CachePoint[] }) {
  return <TimeSeriesCard series={series} card={CHURN_CARD} />;
}
