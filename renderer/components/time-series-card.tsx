import type { ValueScale } from './chart-scales.ts';
import { TimeSeriesChart, type ChartMarker, type SeriesLine } from './time-series-chart.tsx';

/**
 * One chart card as data: its title, test id, scale, lines and what it says before it has anything to draw. The
 * points are not part of it: the page passes them, often one series to several cards.
 */
export interface TimeSeriesCardSpec<P extends { at: number }> {
  title: string;
  testId: string;
  scale: ValueScale;
  lines: readonly SeriesLine<P>[];
  /** Shown instead of the chart while no point has a value under any of the lines. */
  emptyText: string;
  /** Moments marked on the time axis (the memory cleanups); usually known only when the page renders. */
  markers?: readonly ChartMarker[];
  /** Fixed value ticks and domain, for a scale of named steps (the pressure levels); automatic when absent. */
  valueTicks?: readonly number[];
}

interface TimeSeriesCardProps<P extends { at: number }> {
  series: readonly P[];
  card: TimeSeriesCardSpec<P>;
}

/** A card drawn from its spec: a titled chart of the card's lines over time, in the card's unit. */
export function TimeSeriesCard<P extends { at: number }>({ series, card }: TimeSeriesCardProps<P>) {
  return (
    <TimeSeriesChart
      series={series}
      title={card.title}
      unit={card.scale.unit}
      testId={card.testId}
      emptyText={card.emptyText}
      lines={card.lines}
      tickFormatter={card.scale.formatTick}
      tooltipFormatter={card.scale.formatTooltip}
      {...(card.markers ? { markers: card.markers } : {})}
      {...(card.valueTicks ? { valueTicks: card.valueTicks } : {})}
    />
  );
}

interface TimeSeriesCardGridProps<P extends { at: number }> {
  series: readonly P[];
  cards: readonly TimeSeriesCardSpec<P>[];
  testId: string;
}

/** Several cards over the same series, in the page's chart grid, in the order given. */
export function TimeSeriesCardGrid<P extends { at: number }>({ series, cards, testId }: TimeSeriesCardGridProps<P>) {
  return (
    <div className="overview-grid__charts" data-testid={testId}>
      {cards.map((card) => (
        <TimeSeriesCard key={card.testId} series={series} card={card} />
      ))}
    </div>
  );
}
