import type { ChartPoint } from '../state/telemetry-series.ts';
import { REQUESTS_PER_SECOND_SCALE } from './chart-scales.ts';
import { TimeSeriesCard, type TimeSeriesCardSpec } from './time-series-card.tsx';

const ERRORS_CARD: TimeSeriesCardSpec<ChartPoint> = {
  title: 'Errors and shed requests',
  testId: 'errors-chart',
  scale: REQUESTS_PER_SECOND_SCALE,
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
