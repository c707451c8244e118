import type { CapacityFailure, CapacityResult, CapacityStatus } from '../../main/contract/capacity.ts';
import { formatDuration, formatMs, formatRate, formatShare } from '../format/units.ts';

/**
 * A failed metric in words: its worst second ("p99 latency 230 ms (< 100 ms)"), or for memory and CPU, judged on the
 * window's mean, the mean first ("CPU mean 72.4%, worst second 91% (< 70% sustained)"); "CPU not judged".
 */
export function describeFailure(failure: CapacityFailure): string {
  if (failure.reason === 'unjudged') return `${failure.label} not judged`;
  const shown = (value: number) =>
    failure.id === 'p50' || failure.id === 'p95' || failure.id === 'p99'
      ? formatMs(value)
      : failure.id === 'throughput'
        ? formatRate(value)
        : formatShare(value);
  if (failure.judgedOn === 'window-mean' && failure.mean !== null) {
    const worst = failure.worst ? `, worst second ${shown(failure.worst.value)}` : '';
    return `${failure.label} mean ${shown(failure.mean)}${worst} (${failure.target})`;
  }
  if (!failure.worst) return `${failure.label} failed`;
  const { value, note } = failure.worst;
  return `${failure.label} ${shown(value)}${note ? `, ${note}` : ''} (${failure.target})`;
}

/** The dialog's title for a finished search. */
export function capacityHeadline(result: CapacityResult): string {
  if (result.highestPassingRate === null) return 'Capacity: no step held all eight success metrics';
  const atLeast = result.ended === 'max-rate-passed' ? 'at least ' : '';
  return `Capacity: all eight held at ${atLeast}${formatRate(result.highestPassingRate)}`;
}

/** How the cache warmed before the first step; null when the workload read nothing through it. */
export function describeWarmup(result: CapacityResult): string | null {
  const warmup = result.warmup;
  if (!warmup) return null;
  const hitRate = warmup.hitRate === null ? '' : ` to a hit rate of ${formatShare(warmup.hitRate)}`;
  const how = warmup.steady ? 'until its hit rate was steady' : 'and its hit rate was still rising when the warm-up ran out of time';
  return `First the cache warmed for ${formatDuration(warmup.seconds * 1000)} at ${formatRate(result.params.startRate)}${hitRate}, ${how}.`;
}

export const ENDED_TEXT: Record<CapacityResult['ended'], string> = {
  'step-failed': 'The search stopped at the first step that failed a metric.',
  'max-rate-passed': 'Every step passed up to the highest rate tried.',
  cancelled: 'The search was cancelled.',
  'workload-gone': 'The workload stopped during the search.',
  'engine-stopping': 'The engine stopped during the search.',
};

/** What the confirmation says a search with the engine's defaults will do, and for how long at most. */
export function describePlan(defaults: CapacityStatus['defaults'], currentRate: number): string {
  const steps = Math.floor((defaults.maxRate - defaults.startRate) / defaults.step + 1e-9) + 1;
  const longest = (defaults.warmupMaxSeconds + steps * (defaults.settleSeconds + defaults.windowSeconds)) * 1000;
  return (
    `First the cache warms at ${formatRate(defaults.startRate)} until its hit rate is steady (at most ` +
    `${formatDuration(defaults.warmupMaxSeconds * 1000)}). ` +
    `Then the workload's rate goes from ${formatRate(defaults.startRate)} up to ${formatRate(defaults.maxRate)}, ` +
    `${formatRate(defaults.step)} more each step. Each step settles for ${defaults.settleSeconds} s, then must hold all ` +
    `eight success metrics for ${formatDuration(defaults.windowSeconds * 1000)}; the search stops at the first step that ` +
    `fails one, and the workload goes back to ${formatRate(currentRate)}. Your database and this machine run under ` +
    `that load for up to ${formatDuration(longest)}.`
  );
}
