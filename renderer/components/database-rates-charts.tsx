import type { DatabaseRatePoint } from '../../main/contract/database.ts';
import { formatPercentTick, formatPercentTooltip, formatPerSecondTick, formatPerSecondTooltip } from './chart-format.ts';
import { TimeSeriesChart, type SeriesLine } from './time-series-chart.tsx';

/** A chart point: the contract's rates, the hit ratio as a percentage (null: no block was asked for). */
type RatePoint = DatabaseRatePoint & { hitPercent: number | null };

const TRANSACTION_LINES: readonly SeriesLine<RatePoint>[] = [
  { dataKey: 'commitsPerSecond', name: 'commits', stroke: 'var(--chart-1)' },
  { dataKey: 'rollbacksPerSecond', name: 'rollbacks', stroke: 'var(--chart-3)' },
];

const TUPLE_LINES: readonly SeriesLine<RatePoint>[] = [
  { dataKey: 'returnedPerSecond', name: 'returned', stroke: 'var(--chart-1)' },
  { dataKey: 'fetchedPerSecond', name: 'fetched', stroke: 'var(--chart-2)' },
  { dataKey: 'insertedPerSecond', name: 'inserted', stroke: 'var(--chart-3)' },
  { dataKey: 'updatedPerSecond', name: 'updated', stroke: 'var(--chart-target)', dashed: true },
  { dataKey: 'deletedPerSecond', name: 'deleted', stroke: 'var(--text-muted)', dashed: true },
];

const HIT_LINES: readonly SeriesLine<RatePoint>[] = [{ dataKey: 'hitPercent', name: 'shared buffer hits', stroke: 'var(--chart-1)' }];

/** pg_stat_database as rates over the samples the engine took (database.rates), like pgAdmin's dashboard graphs. */
export function DatabaseRatesCharts({ points }: { points: readonly DatabaseRatePoint[] }) {
  const series: RatePoint[] = points.map((p) => ({ ...p, hitPercent: p.blockHitRatio === null ? null : p.blockHitRatio * 100 }));
  const empty = 'Rates appear from the second sample on (2 s).';
  return (
    <div className="overview-grid__charts" data-testid="database-rates">
      <TimeSeriesChart
        series={series}
        title="Transactions per second"
        unit="per second"
        testId="database-tps-chart"
        emptyText={empty}
        lines={TRANSACTION_LINES}
        tickFormatter={formatPerSecondTick}
        tooltipFormatter={formatPerSecondTooltip}
      />
      <TimeSeriesChart
        series={series}
        title="Tuples per second"
        unit="per second"
        testId="database-tuples-chart"
        emptyText={empty}
        lines={TUPLE_LINES}
        tickFormatter={formatPerSecondTick}
        tooltipFormatter={formatPerSecondTooltip}
      />
      <TimeSeriesChart
        series={series}
        title="Block hit ratio"
        unit="%"
        testId="database-hit-chart"
        emptyText={empty}
        lines={HIT_LINES}
        tickFormatter={formatPercentTick}
        tooltipFormatter={formatPercentTooltip}
      />
    </div>
  );
}
