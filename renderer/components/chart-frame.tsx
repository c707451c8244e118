import type { ReactNode } from 'react';
import { useElementWidth } from '../hooks/use-element-width.ts';
import { EmptyState } from './empty-state.tsx';

export const CHART_HEIGHT = 220;
/** The width charts get before (or without) a layout measurement, e.g. in jsdom. */
export const CHART_FALLBACK_WIDTH = 560;

interface ChartFrameProps {
  title: string;
  /** The unit(s) of the chart, shown next to the title. */
  unit: string;
  testId: string;
  /** True when there is nothing to draw; the empty text shows instead. */
  empty: boolean;
  emptyText: string;
  children(width: number, height: number): ReactNode;
}

/**
 * A titled chart panel of fixed height that measures its own width. Charts get an
 * explicit size instead of ResponsiveContainer, which draws nothing until it has
 * measured a layout.
 */
export function ChartFrame({ title, unit, testId, empty, emptyText, children }: ChartFrameProps) {
  const [ref, width] = useElementWidth<HTMLDivElement>(CHART_FALLBACK_WIDTH);
  return (
    <figure className="chart" data-testid={testId} aria-label={`${title} (${unit})`}>
      <figcaption className="chart__title">
        {title} <span className="chart__unit">{unit}</span>
      </figcaption>
      <div ref={ref} className="chart__body" style={{ height: CHART_HEIGHT }}>
        {empty ? <EmptyState title={emptyText} /> : children(width, CHART_HEIGHT)}
      </div>
    </figure>
  );
}
