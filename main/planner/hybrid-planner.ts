/**
 * One hybrid query from start to finish: features, the selector's choice, the chosen plan's execution, what
 * was learned from it, and now and then an oracle sample (every plan on the same query) for regret. The engine's
 * planner session and `bench planner` both run queries through this, so what the bench measures is what runs.
 */

import { performance } from 'node:perf_hooks';
import type { PartialCache } from './partial-cache.ts';
import type { PlanChoice, PlanSelector } from './plan-selector.ts';
import { PLANS } from './plans/index.ts';
import { PLAN_NAMES, type HybridQuery, type PlanName, type PlanRun, type QueryFeatures } from './planner-types.ts';
import { extractFeatures } from './query-features.ts';
import type { RegretTracker } from './regret-tracker.ts';
import type { SelectivityStats } from './table-selectivity.ts';
import type { VectorStore } from './vector-store.ts';
import { restAfter } from './time-share.ts';

export interface HybridPlannerParts {
  /** The index to rank with; the engine swaps in a reloaded one with `useStore`. */
  store: VectorStore;
  partials: PartialCache;
  stats: () => SelectivityStats;
  selector: PlanSelector;
  regret: RegretTracker;
  /**
   * One query in this many also gets an oracle sample, in the background (every query, one sample at a time, while
   * the selector wants samples); 0 turns sampling off.
   */
  oracleEvery: number;
}

export interface Decision {
  features: QueryFeatures;
  choice: PlanChoice;
  /** Time spent on features and the choice, µs. */
  overheadUs: number;
}

export interface Answer {
  run: PlanRun;
  plan: PlanName;
  latencyMs: number;
}

/**
 * Oracle samples take at most this share of the planner thread's time (time-share.ts). Learning then costs a bounded share of a core at any rate: one query in `oracleEvery` at
 * 200 hybrid queries a second would otherwise run every plan 20 times a second (half the thread at 10,000 req/s),
 * while at the demo's default rate (4 a second) samples already take less than this.
 */
export const ORACLE_TIME_SHARE = 0.1;

export class HybridPlanner {
  private queries = 0;
  private sampling: Promise<void> | null = null;
  /** performance.now() before which no oracle sample starts (see ORACLE_TIME_SHARE). */
  private restUntil = 0;

  constructor(private readonly parts: HybridPlannerParts) {}

  /** Answers later queries over a reloaded index (the caller clears the partial cache: its sets are stale). */
  useStore(store: VectorStore): void {
    this.parts.store = store;
  }

  get store(): VectorStore {
    return this.parts.store;
  }

  /** Features and the selector's choice; synchronous (no SQL, no training). */
  decide(query: HybridQuery): Decision {
    const started = performance.now();
    const features = this.features(query);
    const choice = this.parts.selector.choose(features);
    return { features, choice, overheadUs: (performance.now() - started) * 1000 };
  }

  features(query: HybridQuery): QueryFeatures {
    const { stats, store, partials } = this.parts;
    return extractFeatures(query, { stats: stats(), index: store, partials });
  }

  /** Runs one plan and times it. `fill`: keep the neighbourhoods and filter sets it computes for later queries. */
  async execute(
    plan: PlanName,
    query: HybridQuery,
    options: { fill: boolean; partials?: PartialCache },
  ): Promise<{ run: PlanRun; latencyMs: number }> {
    const { store } = this.parts;
    const partials = options.partials ?? this.parts.partials;
    const started = performance.now();
    const run = await PLANS[plan].execute(query, { store, partials, fill: options.fill });
    return { run, latencyMs: performance.now() - started };
  }

  /** Answers a query the way production does: decide, run the choice, learn from it, sample the oracle now and then. */
  async answer(query: HybridQuery): Promise<Answer> {
    const decision = this.decide(query);
    const { plan } = decision.choice;
    this.queries += 1;
    const { oracleEvery } = this.parts;
    // One sample at a time; on every query while the selector still has plans it knows little (see `wantsSamples`).
    const sample =
      oracleEvery > 0 &&
      !this.sampling &&
      performance.now() >= this.restUntil &&
      (this.queries % oracleEvery === 0 || this.parts.selector.wantsSamples);
    // A sampled query leaves the partial cache as it found it, so its oracle sees the cache state the choice saw.
    const { run, latencyMs } = await this.execute(plan, query, { fill: !sample });
    this.learn(decision, latencyMs);
    if (sample) {
      // Never awaited by the caller: the request is answered; the sample runs after it on the background lane.
      const started = performance.now();
      this.sampling = this.sampleOracle(query, plan)
        .then(
          () => undefined,
          () => undefined,
        )
        .finally(() => {
          const ended = performance.now();
          this.restUntil = ended + restAfter(ended - started, ORACLE_TIME_SHARE);
          this.sampling = null;
        });
    }
    return { run, plan, latencyMs };
  }

  /**
   * Feeds a measured execution of the chosen plan to the selector and the regret tracker. The time `observe` takes
   * is on the request path too, so it counts as overhead: it is measured here and added to the decision's.
   * Returns the query's whole overhead in µs.
   */
  learn(decision: Decision, latencyMs: number): number {
    const { choice, features } = decision;
    const started = performance.now();
    this.parts.selector.observe(features, choice.plan, latencyMs);
    const overheadUs = decision.overheadUs + (performance.now() - started) * 1000;
    this.parts.regret.recordQuery({
      at: Date.now(),
      plan: choice.plan,
      actualMs: latencyMs,
      predictedMs: choice.predictedMs,
      explored: choice.explored,
      overheadUs,
    });
    return overheadUs;
  }

  /**
   * Runs every plan on `query` (none storing into the partial cache; requests answered between two plans may
   * fill it, a small skew that buys those requests not waiting for the whole sample), records
   * the regret of `chosen`, and teaches the selector every plan's latency: what lets it correct a plan it stopped
   * choosing. A failed plan drops the sample (the chosen plan's own error already reached its caller).
   */
  async sampleOracle(query: HybridQuery, chosen: PlanName): Promise<Record<PlanName, number> | null> {
    const features = this.features(query);
    const latencies = {} as Record<PlanName, number>;
    try {
      for (const plan of PLAN_NAMES) {
        // Plans run synchronously in process: between two, let the requests that arrived meanwhile go first.
        await new Promise<void>((resolve) => setImmediate(resolve));
        latencies[plan] = (await this.execute(plan, query, { fill: false })).latencyMs;
      }
    } catch {
      return null;
    }
    for (const plan of PLAN_NAMES) this.parts.selector.observe(features, plan, latencies[plan]);
    this.parts.regret.recordOracle({ at: Date.now(), chosen, latencies });
    return latencies;
  }

  /** Resolves when the oracle sample in flight (if any) is done: for an orderly stop. */
  async settle(): Promise<void> {
    await this.sampling;
  }
}
