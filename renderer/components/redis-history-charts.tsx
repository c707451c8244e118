import { formatCount } from '../format/units.ts';
import type { RedisHistoryPoint } from '../state/redis-history.ts';
import { MIB_SCALE, PER_SECOND_SCALE, PERCENT_SCALE, type ValueScale } from './chart-scales.ts';
import { TimeSeriesCardGrid, type TimeSeriesCardSpec } from './time-series-card.tsx';

const KEYS_PER_MINUTE_SCALE: ValueScale = {
  unit: 'keys per minute',
  formatTick: (value) => (typeof value === 'number' ? `${formatCount(value)}/min` : String(value)),
  formatTooltip: (value) => (typeof value === 'number' ? `${formatCount(value)}/min` : 'no data'),
};

const FROM_FIRST_READ = 'Figures build up from the Redis reads, one every 30 s while this page is shown.';

const CARDS: readonly TimeSeriesCardSpec<RedisHistoryPoint>[] = [
  {
    title: 'Redis used memory',
    testId: 'redis-memory-chart',
    scale: MIB_SCALE,
    lines: [{ dataKey: 'usedMemoryMiB', name: 'used memory', stroke: 'var(--chart-1)' }],
    emptyText: FROM_FIRST_READ,
  },
  {
    title: 'Redis commands per second',
    testId: 'redis-ops-chart',
    scale: PER_SECOND_SCALE,
    lines: [{ dataKey: 'opsPerSecond', name: 'commands', stroke: 'var(--chart-2)' }],
    emptyText: FROM_FIRST_READ,
  },
  // Both are differences between two reads, so the first read alone draws nothing.
  {
    title: 'Redis hit ratio between reads',
    testId: 'redis-hit-chart',
    scale: PERCENT_SCALE,
    lines: [{ dataKey: 'hitPercent', name: 'keyspace hits', stroke: 'var(--chart-1)' }],
    emptyText: 'The hit ratio appears from the second read on (30 s).',
  },
  {
    title: 'Redis evictions',
    testId: 'redis-evictions-chart',
    scale: KEYS_PER_MINUTE_SCALE,
    lines: [{ dataKey: 'evictionsPerMinute', name: 'evicted keys', stroke: 'var(--chart-3)' }],
    emptyText: 'Evictions appear from the second read on (30 s).',
  },
];

/** Redis INFO figures over the reads the Database page made (every 30 s while it is shown), like RedisInsight's. */
export function RedisHistoryCharts({ points }: { points: readonly RedisHistoryPoint[] }) {
  return <TimeSeriesCardGrid series={points} cards={CARDS} testId="redis-history" />;
}
