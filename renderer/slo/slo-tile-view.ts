import type { SloMetricReport, SloReport, SloSecond, SloUnit, SloVerdict } from '../../main/contract/slo.ts';
import { formatClock, formatMs, formatRate } from '../format/units.ts';

/** One success metric as its tile shows it: the engine's verdict over the window, in words. */
export interface SloTileView {
  id: string;
  /** What is measured, e.g. "p99 latency". */
  label: string;
  /** The goal, e.g. "< 100 ms". */
  target: string;
  verdict: SloVerdict;
  /** The newest second's value with its unit; null when that second measured nothing. */
  value: string | null;
  /**
   * "worst 87 ms at 10:04:12" (a failed second first, with why when it failed for another reason); for a metric judged
   * on the window's mean, "mean 52.3%, worst 71.2% at 10:04:12"; null before a second was judged.
   */
  worst: string | null;
  /** How much of the window is in: "23 of 60 s". */
  progress: string;
  secondsIn: number;
}

export const VERDICT_TEXT: Record<SloVerdict, string> = {
  pass: 'Pass',
  fail: 'Fail',
  waiting: 'Waiting for data',
};

/** "1 min", "5 min", "15 min". */
export function formatWindow(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/**
 * A share as a percentage with one decimal, rounded toward the passing side of the goal: a memory use of 79.96%
 * passes "< 80%" and must not read "80%" beside its Pass (nor a hit rate of 80.04% read "80%").
 */
function formatRatio(value: number, direction: 'below' | 'above'): string {
  const tenths = value * 1000;
  const rounded = (direction === 'below' ? Math.floor(tenths + 1e-9) : Math.ceil(tenths - 1e-9)) / 10;
  return `${rounded.toLocaleString('en-US', { maximumFractionDigits: 1 })}%`;
}

function formatValue(metric: Pick<SloMetricReport, 'unit' | 'direction'>, value: number): string {
  const formats: Record<SloUnit, (v: number) => string> = {
    ms: formatMs,
    'requests-per-second': formatRate,
    ratio: (v) => formatRatio(v, metric.direction),
  };
  return formats[metric.unit](value);
}

function describeWorst(metric: SloMetricReport, worst: SloSecond): string {
  const why = worst.note === null ? '' : ` (${worst.note})`;
  return `worst ${formatValue(metric, worst.value)} at ${formatClock(worst.at)}${why}`;
}

function describeWindow(metric: SloMetricReport, worst: SloSecond): string {
  if (metric.judgedOn !== 'window-mean' || metric.mean === null) return describeWorst(metric, worst);
  return `mean ${formatValue(metric, metric.mean)}, ${describeWorst(metric, worst)}`;
}

/** The report's metrics as tiles; none before the engine's first report. */
export function sloTileViews(report: SloReport | null): SloTileView[] {
  if (!report) return [];
  return report.metrics.map((metric) => ({
    id: metric.id,
    label: metric.label,
    target: metric.target,
    verdict: metric.verdict,
    value: metric.current === null ? null : formatValue(metric, metric.current.value),
    worst: metric.worst === null ? null : describeWindow(metric, metric.worst),
    progress: `${metric.secondsIn} of ${report.windowSeconds} s`,
    secondsIn: metric.secondsIn,
  }));
}
