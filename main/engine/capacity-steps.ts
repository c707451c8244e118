import type { CapacityFailure } from '../contract/capacity.ts';
import type { SloMetricReport, SloSecond } from '../contract/slo.ts';
import type { TelemetrySnapshot } from '../contract/telemetry.ts';

/**
 * The pure rules of a capacity search (no timers, no I/O): which rates it tries, how a step's throughput is judged,
 * and when a step has passed or failed.
 *
 * Throughput is the one metric judged against the step rather than the seed's absolute goal: the seed's "> 10,000
 * requests/s" fails every second of every step below 10,000 by definition, so a ramp judged by it would stop at its
 * first step and say nothing about the rate the stack holds. A step asks instead whether the workload served the rate
 * it was asked for: each second completed at least SERVED_SHARE of it, and shed nothing (shedding is not serving, as
 * the judge rules). The result then sets the highest passing rate against the seed's goal.
 */

/** The share of the step's rate a second must complete: the workload runner's own line between keeping up and saturated. */
export const SERVED_SHARE = 0.9;

/** The interval of the whole workload (the contract lists it after the templates). */
const WHOLE_WORKLOAD = 'all';

/** The rates of a search: startRate, then one step more each time, up to maxRate (included when it falls on a step). */
export function capacityRates(startRate: number, step: number, maxRate: number): number[] {
  // Counted in whole steps (with a rounding margin), not summed: 0.1 + 2 × 0.1 is a hair above 0.3.
  const count = Math.floor((maxRate - startRate) / step + 1e-9) + 1;
  return Array.from({ length: count }, (_, i) => startRate + i * step);
}

/** A throughput second against the step's rate; null when the workload was not running (or warming up) then. */
function servedSecond(snapshot: TelemetrySnapshot, rate: number): SloSecond | null {
  const workload = snapshot.workload;
  if (!workload || workload.warmup) return null;
  const shed = workload.templates.find((t) => t.template === WHOLE_WORKLOAD)?.shed ?? 0;
  const note = shed > 0 ? `${shed} requests shed` : null;
  const value = workload.achievedRate;
  return { at: snapshot.at, value, passed: note === null && value >= SERVED_SHARE * rate, note };
}

/**
 * Throughput of a step over the newest `windowSeconds` snapshots after `sinceAt` (`snapshots` oldest first), with
 * the judge's window rule (main/slo/slo-window.ts): fail on any failed second, pass once the window is full of
 * passed seconds, and a second without the workload ends the window. Also the mean achieved rate of those seconds.
 */
export function judgeServed(
  snapshots: readonly TelemetrySnapshot[],
  rate: number,
  windowSeconds: number,
  sinceAt: number,
): { report: SloMetricReport; achievedRate: number | null } {
  let secondsIn = 0;
  let passedSeconds = 0;
  let failedSeconds = 0;
  let achievedSum = 0;
  let worst: SloSecond | null = null;
  for (let i = snapshots.length - 1; i >= 0 && secondsIn < windowSeconds; i--) {
    const snapshot = snapshots[i]!;
    if (snapshot.at <= sinceAt) break;
    const second = servedSecond(snapshot, rate);
    if (!second) break;
    secondsIn += 1;
    achievedSum += second.value;
    if (second.passed) passedSeconds += 1;
    else failedSeconds += 1;
    // A failed second before a passed one, then the lowest rate.
    if (worst === null || (second.passed === worst.passed ? second.value < worst.value : !second.passed)) worst = second;
  }
  const newest = snapshots.at(-1);
  const current = newest && newest.at > sinceAt ? servedSecond(newest, rate) : null;
  const threshold = SERVED_SHARE * rate;
  return {
    report: {
      id: 'throughput',
      label: 'Throughput',
      target: `≥ ${Math.round(threshold).toLocaleString('en')} req/s (${SERVED_SHARE * 100}% of the step), nothing shed`,
      threshold,
      direction: 'above',
      unit: 'requests-per-second',
      judgedOn: 'each-second',
      verdict: failedSeconds > 0 ? 'fail' : secondsIn === windowSeconds && passedSeconds > 0 ? 'pass' : 'waiting',
      secondsIn,
      passedSeconds,
      failedSeconds,
      mean: secondsIn > 0 ? achievedSum / secondsIn : null,
      worst,
      current,
    },
    achievedRate: secondsIn > 0 ? achievedSum / secondsIn : null,
  };
}

export type StepVerdict = { verdict: 'waiting' } | { verdict: 'pass' } | { verdict: 'fail'; failures: CapacityFailure[] };

/**
 * A step's verdict from its eight metrics: fail as soon as one fails; pass when all eight passed a full window;
 * otherwise wait, until `outOfTime`, when the metrics still waiting fail as unjudged (a window of seconds with
 * nothing to measure, or cut short by seconds without the source, has not shown that the metric held).
 */
export function stepVerdict(metrics: readonly SloMetricReport[], outOfTime: boolean): StepVerdict {
  const failed = metrics.filter((m) => m.verdict === 'fail');
  if (failed.length > 0) return { verdict: 'fail', failures: failed.map((m) => failure(m, 'failed')) };
  const waiting = metrics.filter((m) => m.verdict === 'waiting');
  if (waiting.length === 0) return { verdict: 'pass' };
  if (!outOfTime) return { verdict: 'waiting' };
  return { verdict: 'fail', failures: waiting.map((m) => failure(m, 'unjudged')) };
}

function failure(metric: SloMetricReport, reason: CapacityFailure['reason']): CapacityFailure {
  return {
    id: metric.id,
    label: metric.label,
    target: metric.target,
    reason,
    judgedOn: metric.judgedOn,
    mean: metric.mean,
    worst: metric.worst,
  };
}

/**
 * How many seconds past a full window a step may take before its waiting metrics count as unjudged: seconds without
 * a source (a workload's restart) or with nothing to measure leave the window short, and a few such seconds should
 * not end a step that otherwise holds. A tenth of the window, at least 10 s.
 */
export function stepGraceSeconds(windowSeconds: number): number {
  return Math.max(10, Math.ceil(windowSeconds / 10));
}
