// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import { MIB_SCALE, PERCENT_SCALE } from '../../../renderer/components/chart-scales.ts';
import { TimeSeriesCard, TimeSeriesCardGrid, type TimeSeriesCardSpec } from '../../../renderer/components/time-series-card.tsx';

afterEach(cleanup);

interface Point {
  at: number;
  usedMiB: number | null;
  hitPercent: number | null;
}

const MEMORY_CARD: TimeSeriesCardSpec<Point> = {
  title: 'Used memory',
  testId: 'memory-card',
  scale: MIB_SCALE,
  lines: [{ dataKey: 'usedMiB', name: 'used', stroke: 'var(--chart-1)' }],
  emptyText: 'No memory read yet.',
};

const HIT_CARD: TimeSeriesCardSpec<Point> = {
  title: 'Hit ratio',
  testId: 'hit-card',
  scale: PERCENT_SCALE,
  lines: [{ dataKey: 'hitPercent', name: 'hits', stroke: 'var(--chart-2)' }],
  emptyText: 'The hit ratio appears from the second read on.',
};

/** Memory from the first read on, the hit ratio never: one card has something to draw, the other not. */
const MEMORY_ONLY: Point[] = [
  { at: 1_000, usedMiB: 12, hitPercent: null },
  { at: 31_000, usedMiB: 14, hitPercent: null },
];

describe('time-series cards', () => {
  it('names each card by its title and its scale unit, in the order given, inside the grid', () => {
    render(createElement(TimeSeriesCardGrid<Point>, { series: [], cards: [MEMORY_CARD, HIT_CARD], testId: 'cards' }));
    const figures = within(screen.getByTestId('cards')).getAllByRole('figure');
    expect(figures.map((f) => f.getAttribute('aria-label'))).toEqual(['Used memory (MiB)', 'Hit ratio (%)']);
    expect(figures.map((f) => f.getAttribute('data-testid'))).toEqual(['memory-card', 'hit-card']);
    expect(within(figures[0]!).getByText('MiB').className).toBe('chart__unit');
  });

  it("shows each card's own empty text, and no chart, while the series is empty", () => {
    render(createElement(TimeSeriesCardGrid<Point>, { series: [], cards: [MEMORY_CARD, HIT_CARD], testId: 'cards' }));
    expect(within(screen.getByTestId('memory-card')).getByText('No memory read yet.')).toBeTruthy();
    expect(within(screen.getByTestId('hit-card')).getByText('The hit ratio appears from the second read on.')).toBeTruthy();
    expect(screen.getByTestId('cards').querySelector('svg')).toBeNull();
  });

  it('draws a card once one of its lines has a value; a card on the same series whose lines have none stays empty', async () => {
    render(createElement(TimeSeriesCardGrid<Point>, { series: MEMORY_ONLY, cards: [MEMORY_CARD, HIT_CARD], testId: 'cards' }));
    const memory = screen.getByTestId('memory-card');
    await waitFor(() => expect(memory.querySelectorAll('path.recharts-line-curve')).toHaveLength(1));
    expect(memory.textContent).not.toContain('No memory read yet.');
    const hits = screen.getByTestId('hit-card');
    expect(hits.textContent).toContain('The hit ratio appears from the second read on.');
    expect(hits.querySelector('svg')).toBeNull();
  });

  it("prints the value axis's ticks with the scale's formatter", async () => {
    render(createElement(TimeSeriesCard<Point>, { series: MEMORY_ONLY, card: MEMORY_CARD }));
    const card = screen.getByTestId('memory-card');
    await waitFor(() =>
      expect(card.querySelectorAll('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value').length).toBeGreaterThan(0),
    );
    const ticks = [...card.querySelectorAll('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value')].map((t) => t.textContent);
    expect(ticks.every((t) => t?.endsWith(' MiB'))).toBe(true);
  });

  it("draws the card's markers on the time axis and, with fixed value ticks, those ticks only", async () => {
    const marked: TimeSeriesCardSpec<Point> = {
      ...HIT_CARD,
      testId: 'marked-card',
      lines: [{ dataKey: 'usedMiB', name: 'used', stroke: 'var(--chart-1)' }],
      markers: [{ at: 1_000, label: 'cleanup here' }],
      valueTicks: [0, 50, 100],
    };
    render(createElement(TimeSeriesCard<Point>, { series: MEMORY_ONLY, card: marked }));
    const card = screen.getByTestId('marked-card');
    await waitFor(() => expect(card.querySelectorAll('.recharts-reference-line-line')).toHaveLength(1));
    expect(card.textContent).toContain('cleanup here');
    const ticks = [...card.querySelectorAll('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value')].map((t) => t.textContent);
    expect(ticks).toEqual(['0%', '50%', '100%']);
  });
});
