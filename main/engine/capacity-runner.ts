import { ContractError } from '../contract/api.ts';
import {
  CAPACITY_DEFAULTS,
  describeCapacityFailure,
  type CapacityParams,
  type CapacityResult,
  type CapacityStatus,
  type CapacityStep,
  type CapacityWarmup,
} from '../contract/capacity.ts';
import { SLO_DEFINITIONS, type SloMetricReport } from '../contract/slo.ts';
import { capacityRates, stepGraceSeconds, stepVerdict } from './capacity-steps.ts';
import type { CacheWarmth } from './capacity-warmup.ts';

/** What a capacity search needs of the engine: the workload's rate, the eight verdicts, the engine's seconds. */
export interface CapacityProbe {
  /** Wall clock, ms since the epoch: the judge's seconds are stamped with it. */
  now(): number;
  /** The target rate of the workload the search started on; null once that workload is gone (stopped or replaced). */
  rate(): number | null;
  setRate(rate: number): void;
  /** The eight metrics over `windowSeconds` after `sinceAt`, throughput judged against `rate`; and the mean achieved rate. */
  judge(windowSeconds: number, sinceAt: number, rate: number): { metrics: SloMetricReport[]; achievedRate: number | null };
  /** The cache's warmth over the seconds after `sinceAt` (see capacity-warmup.ts). */
  cacheWarmth(sinceAt: number): CacheWarmth;
  /** Resolves after the engine's next judged second, or at once when `signal` aborts. */
  nextSecond(signal: AbortSignal): Promise<void>;
  progress(phase: string, message: string, done: number, total: number): void;
}

/** The seed's throughput goal, which the highest passing rate is set against. */
const THROUGHPUT_GOAL = SLO_DEFINITIONS.find((d) => d.id === 'throughput')!.threshold;

const perSecond = (rate: number) => `${Math.round(rate).toLocaleString('en')} req/s`;

/**
 * Runs one capacity search at a time: each step sets the workload's rate, waits `settleSeconds`, then reads the
 * judge each second over the seconds after settling, until all eight metrics pass a full window (the step passes,
 * the next begins) or one fails (the search ends there: a metric judged each second fails early, so such a step
 * ends in seconds; memory and CPU, judged on the window's mean, fail only once the window is full). The workload goes back to its rate however the search ends.
 */
export class CapacityRunner {
  private running: AbortController | null = null;
  private last: CapacityResult | null = null;

  /** `stopping`: the engine's own stop, which ends a search as a cancel does. */
  constructor(private readonly stopping: AbortSignal) {}

  status(): CapacityStatus {
    return { running: this.running !== null, defaults: { ...CAPACITY_DEFAULTS }, last: this.last };
  }

  cancel(): boolean {
    if (!this.running) return false;
    this.running.abort();
    return true;
  }

  async run(params: CapacityParams, probe: CapacityProbe): Promise<CapacityResult> {
    if (this.running) throw new ContractError('busy', 'A capacity search is already running.', 'Wait for it, or cancel it first.');
    const originalRate = probe.rate();
    if (originalRate === null) {
      throw new ContractError(
        'no-workload',
        'No workload is running.',
        'Start the workload to measure (e.g. the demo), then find capacity.',
      );
    }
    const own = new AbortController();
    this.running = own;
    try {
      const result = await search(params, probe, AbortSignal.any([own.signal, this.stopping]), originalRate);
      result.ended = result.ended === 'cancelled' && this.stopping.aborted ? 'engine-stopping' : result.ended;
      this.last = result;
      return result;
    } finally {
      this.running = null;
    }
  }
}

/** The search itself; see CapacityRunner. `signal` aborts it as a cancel. */
export async function search(
  params: CapacityParams,
  probe: CapacityProbe,
  signal: AbortSignal,
  originalRate: number,
): Promise<CapacityResult> {
  const rates = capacityRates(params.startRate, params.step, params.maxRate);
  const steps: CapacityStep[] = [];
  const startedAt = probe.now();
  let ended: CapacityResult['ended'] = 'max-rate-passed';
  const outOfTimeAfter = params.windowSeconds + stepGraceSeconds(params.windowSeconds);
  let warmup: CapacityWarmup | null;
  try {
    warmup = await warmCache(rates[0]!, params.warmupMaxSeconds, probe, signal);
    for (const [index, rate] of rates.entries()) {
      if (signal.aborted || probe.rate() === null) {
        ended = signal.aborted ? 'cancelled' : 'workload-gone';
        break;
      }
      const label = `Step ${index + 1}/${rates.length} at ${perSecond(rate)}`;
      if (probe.rate() !== rate) probe.setRate(rate);
      const sinceAt = probe.now() + params.settleSeconds * 1000;
      let secondsAfterSettle = 0;
      let step: CapacityStep | null = null;
      while (step === null) {
        await probe.nextSecond(signal);
        if (signal.aborted) break;
        if (probe.rate() === null) break;
        const now = probe.now();
        if (now <= sinceAt) {
          probe.progress('settle', `${label}: settling, ${Math.ceil((sinceAt - now) / 1000)} s left`, index, rates.length);
          continue;
        }
        secondsAfterSettle += 1;
        const judged = probe.judge(params.windowSeconds, sinceAt, rate);
        const verdict = stepVerdict(judged.metrics, secondsAfterSettle >= outOfTimeAfter);
        const secondsJudged = Math.max(0, ...judged.metrics.map((m) => m.secondsIn));
        if (verdict.verdict === 'waiting') {
          const fraction = Math.min(1, Math.min(...judged.metrics.map((m) => m.secondsIn)) / params.windowSeconds);
          probe.progress('judge', `${label}: ${secondsJudged}/${params.windowSeconds} s held`, index + fraction, rates.length);
          continue;
        }
        step = {
          rate,
          achievedRate: judged.achievedRate,
          verdict: verdict.verdict,
          secondsJudged,
          failures: verdict.verdict === 'fail' ? verdict.failures : [],
        };
      }
      if (!step) {
        ended = signal.aborted ? 'cancelled' : 'workload-gone';
        break;
      }
      steps.push(step);
      probe.progress(step.verdict, stepLine(label, step), index + 1, rates.length);
      if (step.verdict === 'fail') {
        ended = 'step-failed';
        break;
      }
    }
  } finally {
    // Back to the rate it had, whatever ended the search (a throw included); a workload gone stays gone.
    if (probe.rate() !== null) probe.setRate(originalRate);
  }
  const highestPassingRate = steps.filter((s) => s.verdict === 'pass').at(-1)?.rate ?? null;
  return {
    params: {
      startRate: params.startRate,
      step: params.step,
      maxRate: params.maxRate,
      windowSeconds: params.windowSeconds,
      settleSeconds: params.settleSeconds,
      warmupMaxSeconds: params.warmupMaxSeconds,
    },
    warmup,
    steps,
    highestPassingRate,
    ended,
    throughputGoal: THROUGHPUT_GOAL,
    meetsThroughputGoal: highestPassingRate !== null && highestPassingRate > THROUGHPUT_GOAL,
    restoredRate: probe.rate() === null ? null : originalRate,
    startedAt,
    endedAt: probe.now(),
  };
}

/**
 * Runs the workload at the first step's rate until the cache's hit rate is steady (capacity-warmup.ts), at most
 * `maxSeconds`; null when the workload reads nothing through the cache. The steps start after it.
 */
async function warmCache(rate: number, maxSeconds: number, probe: CapacityProbe, signal: AbortSignal): Promise<CapacityWarmup | null> {
  if (maxSeconds === 0) return null;
  probe.setRate(rate);
  const sinceAt = probe.now();
  let warmth: CacheWarmth = { state: 'warming', hitRate: null, rise: null };
  let seconds = 0;
  while (seconds < maxSeconds) {
    await probe.nextSecond(signal);
    if (signal.aborted || probe.rate() === null) break;
    seconds += 1;
    warmth = probe.cacheWarmth(sinceAt);
    if (warmth.state !== 'warming') break;
    probe.progress('warmup', warmupLine(rate, seconds, maxSeconds, warmth), 0, 1);
  }
  if (warmth.state === 'no-cache') return null;
  return { seconds, hitRate: warmth.hitRate, steady: warmth.state === 'steady' };
}

function warmupLine(rate: number, seconds: number, maxSeconds: number, warmth: Extract<CacheWarmth, { state: 'warming' }>): string {
  const hitRate = warmth.hitRate === null ? '' : `: hit rate ${(warmth.hitRate * 100).toFixed(1)}%`;
  const rise = warmth.rise === null ? '' : `, ${warmth.rise >= 0 ? '+' : ''}${(warmth.rise * 100).toFixed(1)} points in the last minute`;
  return `Warming the cache at ${perSecond(rate)} until its hit rate is steady (${seconds} s of at most ${maxSeconds} s)${hitRate}${rise}`;
}

/** One line per finished step, for progress and logs. */
export function stepLine(label: string, step: CapacityStep): string {
  const achieved = step.achievedRate === null ? '' : ` (achieved ${perSecond(step.achievedRate)})`;
  if (step.verdict === 'pass') return `${label} held for ${step.secondsJudged} s${achieved}.`;
  return `${label} failed${achieved}: ${step.failures.map(describeCapacityFailure).join('; ')}.`;
}
