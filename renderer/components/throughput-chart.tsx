import type { ChartPoint } from '../state/telemetry-series.ts';
import { REQUESTS_PER_SECOND_SCALE } from './chart-scales.ts';
import { TimeSeriesCard, type TimeSeriesCardSpec } from './time-series-card.tsx';

const THROUGHPUT_CARD: TimeSeriesCardSpec<ChartPoint> = {
  title: 'Throughput, achieved vs target',
  testId: 'throughput-chart',
  scale: REQUESTS_PER_SECOND_SCALE,
  lines: [
    { dataKey: 'target', stroke: 'var(--chart-target)', dashed: true },
    { dataKey: 'achieved', stroke: 'var(--chart-1)' },
  ],
  emptyText: 'No throughput yet: start a workload to measure it.',
};

/** Completed requests per second against the target (the target only for the whole workload). */
export function ThroughputChart({ series }: { series: ChartPoint[] }) {
  return <TimeSeriesCard series={series} card={THROUGHPUT_CARD} />;
}
