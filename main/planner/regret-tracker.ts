/**
 * How well the selector is doing, for the console: every executed hybrid query (what was chosen, how long it
 * took, what the model predicted) and the occasional oracle sample (every plan run on the same query, so the
 * best choice is known). Memory is bounded: 90 ten-second buckets, the last 200 queries, running sums, and one
 * HDR histogram for the selector's own overhead. Regret is linear in the latencies, so sums per bucket are
 * enough to recompute it against whichever plan is the best fixed one at the time of asking.
 */

import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import type { PlannerIntervalPayload, PlannerStatusPayload } from '../contract/planner.ts';
import { PLAN_NAMES, type PlanName } from './planner-types.ts';

export const BUCKET_MS = 10_000;
export const TIMELINE_MS = 15 * 60_000;
const BUCKETS = TIMELINE_MS / BUCKET_MS;
export const RECENT_QUERIES = 200;

export interface ExecutedQuery {
  /** Epoch ms when the query ran. */
  at: number;
  plan: PlanName;
  actualMs: number;
  predictedMs: number | null;
  explored: boolean;
  /** The selector's own time for this query (features, plan cache, model), µs; omitted when not measured. */
  overheadUs?: number;
}

/** Every plan run on the same query; `chosen` is what the selector picked for it. */
export interface OracleSample {
  at: number;
  chosen: PlanName;
  latencies: Readonly<Record<PlanName, number>>;
}

export interface PlanUsage {
  chosen: number;
  meanMs: number | null;
}

export type RegretStatus = Pick<PlannerStatusPayload, 'queries' | 'overheadUs' | 'regret' | 'timeline' | 'recent'> & {
  /** Per plan since the last reset: times chosen and mean measured latency when chosen. */
  usage: Record<PlanName, PlanUsage>;
};

const PLANS = PLAN_NAMES.length;

class Bucket {
  start = -1;
  queries = 0;
  readonly choices = new Array<number>(PLANS).fill(0);
  sumMs = 0;
  predicted = 0;
  sumPredictedMs = 0;
  oracle = 0;
  sumChosenMs = 0;
  sumBestMs = 0;
  readonly sumPlanMs = new Array<number>(PLANS).fill(0);

  reuse(start: number): void {
    this.start = start;
    this.queries = this.predicted = this.oracle = 0;
    this.sumMs = this.sumPredictedMs = this.sumChosenMs = this.sumBestMs = 0;
    this.choices.fill(0);
    this.sumPlanMs.fill(0);
  }
}

function perPlan<T>(value: (i: number) => T): Record<PlanName, T> {
  const out = {} as Record<PlanName, T>;
  PLAN_NAMES.forEach((plan, i) => (out[plan] = value(i)));
  return out;
}

/** Overhead in nanoseconds: the selector's work is a few µs, below an integer-µs histogram's resolution. */
function newOverheadHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 10_000_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

export class RegretTracker {
  private readonly buckets = Array.from({ length: BUCKETS }, () => new Bucket());
  private readonly recent: PlannerStatusPayload['recent'] = [];
  private queries = 0;
  private readonly chosen = new Array<number>(PLANS).fill(0);
  private readonly chosenSumMs = new Array<number>(PLANS).fill(0);
  private oracleSamples = 0;
  private oracleSumChosen = 0;
  private oracleSumBest = 0;
  private readonly oracleSumPlan = new Array<number>(PLANS).fill(0);
  private overhead = newOverheadHistogram();
  private newest = -Infinity;

  /** Called once per executed hybrid query. */
  recordQuery(q: ExecutedQuery): void {
    const p = PLAN_NAMES.indexOf(q.plan);
    if (p < 0) return;
    this.queries++;
    this.chosen[p]!++;
    this.chosenSumMs[p]! += q.actualMs;
    if (q.overheadUs !== undefined && q.overheadUs >= 0) {
      this.overhead.recordValue(Math.min(Math.max(1, Math.round(q.overheadUs * 1000)), 10_000_000_000));
    }
    this.recent.push({ at: q.at, plan: q.plan, actualMs: q.actualMs, predictedMs: q.predictedMs, explored: q.explored });
    if (this.recent.length > RECENT_QUERIES) this.recent.shift();

    const b = this.bucketFor(q.at);
    if (!b) return;
    b.queries++;
    b.choices[p]!++;
    b.sumMs += q.actualMs;
    if (q.predictedMs !== null) {
      b.predicted++;
      b.sumPredictedMs += q.predictedMs;
    }
  }

  /** Called when the engine has measured every plan on one query. */
  recordOracle(sample: OracleSample): void {
    const chosenMs = sample.latencies[sample.chosen];
    let best = Infinity;
    for (const plan of PLAN_NAMES) best = Math.min(best, sample.latencies[plan]);
    if (!Number.isFinite(best) || !Number.isFinite(chosenMs)) return;
    this.oracleSamples++;
    this.oracleSumChosen += chosenMs;
    this.oracleSumBest += best;
    PLAN_NAMES.forEach((plan, i) => (this.oracleSumPlan[i]! += sample.latencies[plan]));

    const b = this.bucketFor(sample.at);
    if (!b) return;
    b.oracle++;
    b.sumChosenMs += chosenMs;
    b.sumBestMs += best;
    PLAN_NAMES.forEach((plan, i) => (b.sumPlanMs[i]! += sample.latencies[plan]));
  }

  /** The plan with the lowest mean latency over all oracle samples so far; −1 without samples. */
  private bestFixed(): number {
    if (this.oracleSamples === 0) return -1;
    let best = 0;
    for (let i = 1; i < PLANS; i++) if (this.oracleSumPlan[i]! < this.oracleSumPlan[best]!) best = i;
    return best;
  }

  status(now: number): RegretStatus {
    const n = this.oracleSamples;
    const fixed = this.bestFixed();
    const selectorMean = n > 0 ? this.oracleSumChosen / n : null;
    const oracleMean = n > 0 ? this.oracleSumBest / n : null;
    const fixedMean = fixed >= 0 ? this.oracleSumPlan[fixed]! / n : null;
    return {
      queries: this.queries,
      overheadUs:
        this.overhead.totalCount === 0 ? null : { mean: this.overhead.mean / 1000, p95: this.overhead.getValueAtPercentile(95) / 1000 },
      regret: {
        oracleSamples: n,
        selectorMeanMs: selectorMean,
        oracleMeanMs: oracleMean,
        bestFixedPlan: fixed >= 0 ? PLAN_NAMES[fixed]! : null,
        bestFixedMeanMs: fixedMean,
        meanRegretVsOracleMs: selectorMean !== null && oracleMean !== null ? selectorMean - oracleMean : null,
        meanRegretVsBestFixedMs: selectorMean !== null && fixedMean !== null ? selectorMean - fixedMean : null,
      },
      timeline: this.timeline(now, fixed),
      recent: this.recent.slice(),
      usage: perPlan((i) => ({
        chosen: this.chosen[i]!,
        meanMs: this.chosen[i]! > 0 ? this.chosenSumMs[i]! / this.chosen[i]! : null,
      })),
    };
  }

  reset(): void {
    for (const b of this.buckets) b.start = -1;
    this.recent.length = 0;
    this.queries = this.oracleSamples = this.oracleSumChosen = this.oracleSumBest = 0;
    this.chosen.fill(0);
    this.chosenSumMs.fill(0);
    this.oracleSumPlan.fill(0);
    this.overhead = newOverheadHistogram();
    this.newest = -Infinity;
  }

  /** The bucket for `at`, recycled when it last held an older window's data; null when `at` is too old. */
  private bucketFor(at: number): Bucket | null {
    const start = Math.floor(at / BUCKET_MS) * BUCKET_MS;
    if (start <= this.newest - TIMELINE_MS) return null;
    this.newest = Math.max(this.newest, start);
    const b = this.buckets[Math.floor(start / BUCKET_MS) % BUCKETS]!;
    if (b.start !== start) b.reuse(start);
    return b;
  }

  /** Contiguous buckets, oldest first, from the first one with data in the last 15 minutes up to `now`'s. */
  private timeline(now: number, fixed: number): PlannerIntervalPayload[] {
    const last = Math.floor(now / BUCKET_MS) * BUCKET_MS;
    const first = last - TIMELINE_MS + BUCKET_MS;
    let oldest = Infinity;
    for (const b of this.buckets) if (b.start >= first && b.start <= last && b.start < oldest) oldest = b.start;
    const out: PlannerIntervalPayload[] = [];
    if (!Number.isFinite(oldest)) return out;
    for (let start = oldest; start <= last; start += BUCKET_MS) {
      const b = this.buckets[Math.floor(start / BUCKET_MS) % BUCKETS]!;
      const live = b.start === start;
      const queries = live ? b.queries : 0;
      const oracle = live ? b.oracle : 0;
      out.push({
        at: start,
        queries,
        choices: perPlan((i) => (live ? b.choices[i]! : 0)),
        meanMs: queries > 0 ? b.sumMs / queries : null,
        predictedMeanMs: live && b.predicted > 0 ? b.sumPredictedMs / b.predicted : null,
        regretVsOracleMs: oracle > 0 ? (b.sumChosenMs - b.sumBestMs) / oracle : null,
        regretVsBestFixedMs: oracle > 0 && fixed >= 0 ? (b.sumChosenMs - b.sumPlanMs[fixed]!) / oracle : null,
      });
    }
    return out;
  }
}
