/**
 * Number formatting for the console. Every number leaves here with its unit, and
 * a fixed locale so that figures read the same on every machine (and in tests).
 */
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** Milliseconds with a precision that suits the magnitude, as a bare number ("0.42", "12.3", "1,250"). */
export function formatMsValue(ms: number): string {
  if (ms < 10) return twoDecimals.format(ms);
  if (ms < 100) return oneDecimal.format(ms);
  return integer.format(ms);
}

export function formatMs(ms: number): string {
  return `${formatMsValue(ms)} ms`;
}

/** A rate as a bare number: whole numbers from 10 up, one decimal below. */
export function formatRateValue(perSecond: number): string {
  return perSecond < 10 ? oneDecimal.format(perSecond) : integer.format(perSecond);
}

export function formatRate(perSecond: number): string {
  return `${formatRateValue(perSecond)} req/s`;
}

export function formatCount(n: number): string {
  return integer.format(n);
}

/** A 0..1 fraction as a percentage. */
export function formatShare(fraction: number): string {
  return `${oneDecimal.format(fraction * 100)}%`;
}

/** `server_version_num` (150019, 180001) as PostgreSQL writes it (15.19, 18.1). */
export function formatServerVersion(versionNum: number): string {
  const major = Math.floor(versionNum / 10000);
  return `${major}.${versionNum % 10000}`;
}

/** How long something has run: "850 ms", "12 s", "3 min 5 s", "2 h 4 min". */
export function formatAge(ms: number): string {
  if (ms < 1000) return `${integer.format(ms)} ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A duration: "850 ms" (with decimals below a second, like formatMs), else as formatAge ("12 s", "3 min 5 s"). */
export function formatDuration(ms: number): string {
  return ms < 1000 ? formatMs(ms) : formatAge(ms);
}

/** Wall-clock time of day (HH:MM:SS, 24 h) for chart axes. */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** Bytes in binary units, one decimal from KiB up ("512 B", "12.3 MiB", "1.5 GiB"); negative figures keep their sign. */
export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '−' : '';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${sign}${unit === 0 ? integer.format(value) : oneDecimal.format(value)} ${BYTE_UNITS[unit]}`;
}
