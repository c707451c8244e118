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
 * absent one (or to `sinceAt`, exclusive, when given: e.g. since a rate was changed). The verdict:
 * - fail as soon as any second in the window failed (it cannot pass any more until that second leaves the window);
 * - pass once the window is full (`windowSeconds` ticks of the run) and every judged second in it passed (at least
 *   one was judged: a window of idle seconds measured nothing);
 * - waiting otherwise, with `secondsIn` saying how far the window has filled.
 * The worst second is a failed one if any (the farthest from the target among them), else the farthest passed one.
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
  let worst: SloSecond | null = null;
  const limit = Math.min(windowSeconds, ring.size);
  for (let age = 0; age < limit; age++) {
    const tick = ring.fromNewest(age)!;
    const sample = tick.samples[index]!;
    if (sample.kind === 'absent' || tick.at <= sinceAt) break;
    secondsIn += 1;
    const second = toSecond(tick.at, sample);
    if (!second) continue;
    if (second.passed) passedSeconds += 1;
    else failedSeconds += 1;
    if (worst === null || worse(target, second, worst)) worst = second;
  }
  const newest = ring.latest() ?? null;
  const current = newest && newest.at > sinceAt ? toSecond(newest.at, newest.samples[index]!) : null;
  const verdict: SloVerdict = failedSeconds > 0 ? 'fail' : secondsIn === windowSeconds && passedSeconds > 0 ? 'pass' : 'waiting';
  return {
    id: target.id,
    label: target.label,
    target: target.target,
    threshold: target.threshold,
    direction: target.direction,
    unit: target.unit,
    verdict,
    secondsIn,
    passedSeconds,
    failedSeconds,
    worst,
    current,
  };
}
