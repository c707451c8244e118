import {
  formatMiBTick,
  formatMiBTooltip,
  formatMsTick,
  formatMsTooltip,
  formatPercentTick,
  formatPercentTooltip,
  formatPerSecondTick,
  formatPerSecondTooltip,
  formatRateTick,
  formatRateTooltip,
} from './chart-format.ts';

/**
 * A chart's value axis: the unit named beside the title, and how its ticks and its tooltip print a value. The three
 * travel together, so a card names one scale instead of a unit and two formatters that could disagree.
 */
export interface ValueScale {
  unit: string;
  /** For the axis, short ("75%"); anything but a number prints as itself. */
  formatTick: (value: unknown) => string;
  /** For the tooltip, as precise as the value deserves ("74.6%"); anything but a number is "no data". */
  formatTooltip: (value: unknown) => string;
}

export const PERCENT_SCALE: ValueScale = { unit: '%', formatTick: formatPercentTick, formatTooltip: formatPercentTooltip };

export const MIB_SCALE: ValueScale = { unit: 'MiB', formatTick: formatMiBTick, formatTooltip: formatMiBTooltip };

export const PER_SECOND_SCALE: ValueScale = { unit: 'per second', formatTick: formatPerSecondTick, formatTooltip: formatPerSecondTooltip };

export const MS_SCALE: ValueScale = { unit: 'ms', formatTick: formatMsTick, formatTooltip: formatMsTooltip };

/** Requests per second (throughput, errors and shed requests). */
export const REQUESTS_PER_SECOND_SCALE: ValueScale = { unit: 'req/s', formatTick: formatRateTick, formatTooltip: formatRateTooltip };
