import { formatAge, formatMs, formatMsValue } from '../format/units.ts';

// The Planner page's few units that units.ts lacks: microseconds, and figures with a sign (regret can be negative).

/** Microseconds, with the precision formatMsValue gives milliseconds ("0.85 µs", "12.3 µs", "1,250 µs"). */
export function formatUs(us: number): string {
  return `${formatMsValue(us)} µs`;
}

/** Milliseconds that may be negative, with a real minus sign ("−0.42 ms"). */
export function formatSignedMs(ms: number): string {
  return ms < 0 ? `−${formatMs(-ms)}` : formatMs(ms);
}

/** A fraction that may be negative, as a percentage with one decimal ("6.2%", "−1.5%"). */
export function formatSignedShare(fraction: number): string {
  const percent = Math.abs(fraction * 100).toLocaleString('en-US', { maximumFractionDigits: 1 });
  return `${fraction < 0 ? '−' : ''}${percent}%`;
}

/** How long ago, from `now`: "12 s ago", "just now". */
export function formatAgo(at: number, now: number): string {
  const ms = Math.max(0, now - at);
  return ms < 1000 ? 'just now' : `${formatAge(ms)} ago`;
}

export const formatSignedMsTick = (value: unknown): string => (typeof value === 'number' ? formatSignedMs(value) : String(value));

export const formatSignedMsTooltip = (value: unknown): string => (typeof value === 'number' ? formatSignedMs(value) : 'no data');

export const formatQueriesTick = (value: unknown): string => (typeof value === 'number' ? String(Math.round(value)) : String(value));

export const formatQueriesTooltip = (value: unknown): string => (typeof value === 'number' ? `${Math.round(value)} queries` : 'no data');
