import type { ChartPoint } from '../state/telemetry-series.ts';
import { MS_SCALE } from './chart-scales.ts';
import { TimeSeriesCard, type TimeSeriesCardSpec } from './time-series-card.tsx';

/** All but the title, which names the template shown. */
const LATENCY_CARD: Omit<TimeSeriesCardSpec<ChartPoint>, 'title'> = {
  testId: 'latency-chart',
  scale: MS_SCALE,
  lines: [
    { dataKey: 'p50', stroke: 'var(--chart-1)' },
    { dataKey: 'p95', stroke: 'var(--chart-2)' },
    { dataKey: 'p99', stroke: 'var(--chart-3)' },
  ],
  emptyText: 'No latency yet: start a workload to measure it.',
};

/** p50, p95 and p99 latency per second (the maximum per bucket on long windows). `subject`: "all templates" or a template's name. */
export function LatencyChart({ series, subject }: { series: ChartPoint[]; subject: string }) {
  return <TimeSeriesCard series={series} card={{ ...LATENCY_CARD, title: `Latency, ${subject}` }} />;
}
