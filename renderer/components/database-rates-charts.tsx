import type { DatabaseRatePoint } from '../../main/contract/database.ts';
import { PER_SECOND_SCALE, PERCENT_SCALE } from './chart-scales.ts';
import { TimeSeriesCardGrid, type TimeSeriesCardSpec } from './time-series-card.tsx';

/** A chart point: the contract's rates, the hit ratio as a percentage (null: no block was asked for). */
type RatePoint = DatabaseRatePoint & { hitPercent: number | null };

const FROM_SECOND_SAMPLE = 'Rates appear from the second sample on (2 s).';

const CARDS: readonly TimeSeriesCardSpec<RatePoint>[] = [
  {
    title: 'Transactions per second',
    testId: 'database-tps-chart',
    scale: PER_SECOND_SCALE,
    lines: [
      { dataKey: 'commitsPerSecond', name: 'commits', stroke: 'var(--chart-1)' },
      { dataKey: 'rollbacksPerSecond', name: 'rollbacks', stroke: 'var(--chart-3)' },
    ],
    emptyText: FROM_SECOND_SAMPLE,
  },
  {
    title: 'Tuples per second',
    testId: 'database-tuples-chart',
    scale: PER_SECOND_SCALE,
    lines: [
      { dataKey: 'returnedPerSecond', name: 'returned', stroke: 'var(--chart-1)' },
      { dataKey: 'fetchedPerSecond', name: 'fetched', stroke: 'var(--chart-2)' },
      { dataKey: 'insertedPerSecond', name: 'inserted', stroke: 'var(--chart-3)' },
      { dataKey: 'updatedPerSecond', name: 'updated', stroke: 'var(--chart-target)', dashed: true },
      { dataKey: 'deletedPerSecond', name: 'deleted', stroke: 'var(--text-muted)', dashed: true },
    ],
    emptyText: FROM_SECOND_SAMPLE,
  },
  {
    title: 'Block hit ratio',
    testId: 'database-hit-chart',
    scale: PERCENT_SCALE,
    lines: [{ dataKey: 'hitPercent', name: 'shared buffer hits', stroke: 'var(--chart-1)' }],
    emptyText: FROM_SECOND_SAMPLE,
  },
];

/** pg_stat_database as rates over the samples the engine took (database.rates), like pgAdmin's dashboard graphs. */
export function DatabaseRatesCharts({ points }: { points: readonly DatabaseRatePoint[] }) {
  const series: RatePoint[] = points.map((p) => ({ ...p, hitPercent: p.blockHitRatio === null ? null : p.blockHitRatio * 100 }));
  return <TimeSeriesCardGrid series={series} cards={CARDS} testId="database-rates" />;
}
