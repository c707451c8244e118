import type { SloMetricReport, SloSecond, SloVerdict } from '../contract/slo.ts';
import type { SloSample, SloTarget } from './slo-targets.ts';
import type { RingBuffer } from '../util/ring-buffer.ts';

/** One engine tick: when it ended, and each metric's sample in SLO_TARGETS' order. */
export interface SloTick {
  at: number;
  samples: readonly SloSample[];
}

/** Whether second `a` is worse than `b` for this target: a failed second before a passed one, then the farther value. */
function worse(target: SloTarget, a: SloSecond, b: SloSecond): boolean {
  if (a.passed !== b.passed) return !a.passed;
  return target.direction === 'below' ? a.value > b.value : a.value < b.value;
}

function toSecond(at: number, sample: SloSample): SloSecond | null {
  return sample.kind === 'judged' ? { at, value: sample.value, passed: sample.passed, note: sample.note } : null;
}

/**
 * One metric over the last `windowSeconds` ticks of its current run: the run is the newest ticks back to the first
 * absent one (or to `sinceAt`, exclusive, when given: e.g. since a rate was changed). The verdict, judged each second:
 * - fail as soon as any second in the window failed (it cannot pass any more until that second leaves the window);
 * - pass once the window is full (`windowSeconds` ticks of the run) and every judged second in it passed (at least
 *   one was judged: a window of idle seconds measured nothing);
 * - waiting otherwise, with `secondsIn` saying how far the window has filled.
 * Judged on the window's mean: once the window is full, pass or fail as the mean of its judged seconds meets the
 * target or not (a note on a second, e.g. shedding, fails it whatever the mean); waiting before. The worst second is a
 * failed one if any (the farthest from the target among them), else the farthest passed one.
 */
export function judgeWindow(
  ring: RingBuffer<SloTick>,
  index: number,
  target: SloTarget,
  windowSeconds: number,
  sinceAt = Number.NEGATIVE_INFINITY,
): SloMetricReport {
  let secondsIn = 0;
  let passedSeconds = 0;
  let failedSeconds = 0;
  let noted = false;
  let sum = 0;
  let worst: SloSecond | null = null;
  const limit = Math.min(windowSeconds, ring.size);
  for (let age = 0; age < limit; age++) {
    const tick = ring.fromNewest(age)!;
    const sample = tick.samples[index]!;
    if (sample.kind === 'absent' || tick.at <= sinceAt) break;
    secondsIn += 1;
    const second = toSecond(tick.at, sample);
    if (!second) continue;
    sum += second.value;
    noted ||= second.note !== null;
    if (second.passed) passedSeconds += 1;
    else failedSeconds += 1;
    if (worst === null || worse(target, second, worst)) worst = second;
  }
  const newest = ring.latest() ?? null;
  const current = newest && newest.at > sinceAt ? toSecond(newest.at, newest.samples[index]!) : null;
  const judgedSeconds = passedSeconds + failedSeconds;
  const mean = judgedSeconds > 0 ? sum / judgedSeconds : null;
  const verdict: SloVerdict =
    target.judgedOn === 'each-second'
      ? eachSecondVerdict(failedSeconds, passedSeconds, secondsIn === windowSeconds)
      : meanVerdict(target, mean, noted, secondsIn === windowSeconds);
  return {
    id: target.id,
    label: target.label,
    target: target.target,
    threshold: target.threshold,
    direction: target.direction,
    unit: target.unit,
    judgedOn: target.judgedOn,
    verdict,
    secondsIn,
    passedSeconds,
    failedSeconds,
    mean,
    worst,
    current,
  };
}

function eachSecondVerdict(failedSeconds: number, passedSeconds: number, full: boolean): SloVerdict {
  if (failedSeconds > 0) return 'fail';
  return full && passedSeconds > 0 ? 'pass' : 'waiting';
}

function meanVerdict(target: SloTarget, mean: number | null, noted: boolean, full: boolean): SloVerdict {
  if (!full || mean === null) return 'waiting';
  const meets = target.direction === 'below' ? mean < target.threshold : mean > target.threshold;
  return meets && !noted ? 'pass' : 'fail';
}
