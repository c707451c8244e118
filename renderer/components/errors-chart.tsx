import type { ChartPoint } from '../state/telemetry-series.ts';
import { formatRateTick, formatRateTooltip } from './chart-format.ts';
import { TimeSeriesCard, type TimeSeriesCardSpec } from './time-series-card.tsx';

const ERRORS_CARD: TimeSeriesCardSpec<ChartPoint> = {
  title: 'Errors and shed requests',
  testId: 'errors-chart',
  // Named "per second" beside the title, while the ticks and tooltip print requests ("3 req/s").
  scale: { unit: 'per second', formatTick: formatRateTick, formatTooltip: formatRateTooltip },
  lines: [
    { dataKey: 'errors', stroke: 'var(--chart-bad)' },
    { dataKey: 'shed', stroke: 'var(--chart-warn)' },
  ],
  emptyText: 'No requests yet: start a workload to measure errors.',
};

/** Failed and shed requests per second: shed ones were never sent because too many were in flight. */
export function ErrorsChart({ series }: { series: ChartPoint[] }) {
  return <TimeSeriesCard series={series} card={ERRORS_CARD} />;
}
