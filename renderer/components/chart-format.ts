import { formatClock, formatMsValue, formatRateValue } from '../format/units.ts';

// Formatters live at module level so recharts receives the same function on every
// render and does not recompute its axes and tooltips each time.

export const formatTimeTick = (value: unknown): string => (typeof value === 'number' ? formatClock(value) : String(value));

export const formatTooltipTime = (label: unknown): string => (typeof label === 'number' ? formatClock(label) : String(label ?? ''));

// Axis ticks carry their unit ("250 ms", "1,000 req/s"): a rotated axis title collides with the ticks at narrow widths.
export const formatMsTick = (value: unknown): string => (typeof value === 'number' ? `${formatMsValue(value)} ms` : String(value));

export const formatRateTick = (value: unknown): string => (typeof value === 'number' ? `${formatRateValue(value)} req/s` : String(value));

export const formatMsTooltip = (value: unknown): string => (typeof value === 'number' ? `${formatMsValue(value)} ms` : 'no data');

export const formatRateTooltip = (value: unknown): string => (typeof value === 'number' ? `${formatRateValue(value)} req/s` : 'no data');

/** The shared time axis of every live chart: wall-clock ticks over the data's own span. */
export const TIME_AXIS = {
  dataKey: 'at',
  type: 'number',
  scale: 'time',
  domain: ['dataMin', 'dataMax'],
  tickFormatter: formatTimeTick,
  minTickGap: 48,
} as const;

export const CHART_MARGIN = { top: 8, right: 16, bottom: 4, left: 8 } as const;

/** True when a series has at least one measured value under one of `keys`. */
export function hasData<T extends object>(points: readonly T[], keys: readonly (keyof T)[]): boolean {
  return points.some((p) => keys.some((k) => typeof p[k] === 'number'));
}

export const TOOLTIP_STYLE = { background: 'var(--surface)', border: '1px solid var(--border)', color: 'var(--text)' } as const;

/**
 * Room for the longest tick label ("12,000 ms", "1,000 req/s"). One width for every
 * chart, so the stacked charts' time axes line up.
 */
export const VALUE_AXIS_WIDTH = 92;

export const formatPercentTick = (value: unknown): string => (typeof value === 'number' ? `${Math.round(value)}%` : String(value));

export const formatPercentTooltip = (value: unknown): string => (typeof value === 'number' ? `${value.toFixed(1)}%` : 'no data');

export const formatMiBTick = (value: unknown): string => (typeof value === 'number' ? `${formatRateValue(value)} MiB` : String(value));

export const formatMiBTooltip = (value: unknown): string => (typeof value === 'number' ? `${value.toFixed(1)} MiB` : 'no data');

export const formatPerSecondTick = (value: unknown): string => (typeof value === 'number' ? `${formatRateValue(value)}/s` : String(value));

export const formatPerSecondTooltip = (value: unknown): string => (typeof value === 'number' ? `${formatRateValue(value)}/s` : 'no data');
