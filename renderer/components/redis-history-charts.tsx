import { formatCount } from '../format/units.ts';
import type { RedisHistoryPoint } from '../state/redis-history.ts';
import {
  formatMiBTick,
  formatMiBTooltip,
  formatPercentTick,
  formatPercentTooltip,
  formatPerSecondTick,
  formatPerSecondTooltip,
} from './chart-format.ts';
import { TimeSeriesChart, type SeriesLine } from './time-series-chart.tsx';

const MEMORY_LINES: readonly SeriesLine<RedisHistoryPoint>[] = [
  { dataKey: 'usedMemoryMiB', name: 'used memory', stroke: 'var(--chart-1)' },
];
const OPS_LINES: readonly SeriesLine<RedisHistoryPoint>[] = [{ dataKey: 'opsPerSecond', name: 'commands', stroke: 'var(--chart-2)' }];
const HIT_LINES: readonly SeriesLine<RedisHistoryPoint>[] = [{ dataKey: 'hitPercent', name: 'keyspace hits', stroke: 'var(--chart-1)' }];
const EVICTION_LINES: readonly SeriesLine<RedisHistoryPoint>[] = [
  { dataKey: 'evictionsPerMinute', name: 'evicted keys', stroke: 'var(--chart-3)' },
];

const formatPerMinuteTick = (value: unknown): string => (typeof value === 'number' ? `${formatCount(value)}/min` : String(value));
const formatPerMinuteTooltip = (value: unknown): string => (typeof value === 'number' ? `${formatCount(value)}/min` : 'no data');

/** Redis INFO figures over the reads the Database page made (every 30 s while it is shown), like RedisInsight's. */
export function RedisHistoryCharts({ points }: { points: readonly RedisHistoryPoint[] }) {
  const empty = 'Figures build up from the Redis reads, one every 30 s while this page is shown.';
  return (
    <div className="overview-grid__charts" data-testid="redis-history">
      <TimeSeriesChart
        series={points}
        title="Redis used memory"
        unit="MiB"
        testId="redis-memory-chart"
        emptyText={empty}
        lines={MEMORY_LINES}
        tickFormatter={formatMiBTick}
        tooltipFormatter={formatMiBTooltip}
      />
      <TimeSeriesChart
        series={points}
        title="Redis commands per second"
        unit="per second"
        testId="redis-ops-chart"
        emptyText={empty}
        lines={OPS_LINES}
        tickFormatter={formatPerSecondTick}
        tooltipFormatter={formatPerSecondTooltip}
      />
      <TimeSeriesChart
        series={points}
        title="Redis hit ratio between reads"
        unit="%"
        testId="redis-hit-chart"
        emptyText="The hit ratio appears from the second read on (30 s)."
        lines={HIT_LINES}
        tickFormatter={formatPercentTick}
        tooltipFormatter={formatPercentTooltip}
      />
      <TimeSeriesChart
        series={points}
        title="Redis evictions"
        unit="keys per minute"
        testId="redis-evictions-chart"
        emptyText="Evictions appear from the second read on (30 s)."
        lines={EVICTION_LINES}
        tickFormatter={formatPerMinuteTick}
        tooltipFormatter={formatPerMinuteTooltip}
      />
    </div>
  );
}
