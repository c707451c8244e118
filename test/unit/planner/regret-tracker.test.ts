import { describe, expect, it } from 'vitest';
import { plannerStatusSchema } from '../../../main/contract/planner.ts';
import type { PlanName } from '../../../main/planner/planner-types.ts';
import { BUCKET_MS, RECENT_QUERIES, RegretTracker } from '../../../main/planner/regret-tracker.ts';

const T = 1_800_000_000_000; // a bucket boundary (multiple of 10 s)

function latencies(vf: number, gf: number, hp: number, fv: number, cp: number): Record<PlanName, number> {
  return { 'vector-first': vf, 'graph-first': gf, 'hybrid-parallel': hp, 'filtered-vector': fv, 'cached-partial': cp };
}

describe('RegretTracker', () => {
  it('buckets queries by 10 s, with means of measured and predicted latency and per-plan choices', () => {
    const r = new RegretTracker();
    r.recordQuery({ at: T + 1000, plan: 'vector-first', actualMs: 4, predictedMs: 5, explored: false, overheadUs: 3 });
    r.recordQuery({ at: T + 9000, plan: 'filtered-vector', actualMs: 8, predictedMs: null, explored: true, overheadUs: 5 });
    r.recordQuery({ at: T + 25_000, plan: 'vector-first', actualMs: 2, predictedMs: 3, explored: false });
    const s = r.status(T + 31_000);
    expect(s.timeline.map((b) => b.at)).toEqual([T, T + BUCKET_MS, T + 2 * BUCKET_MS, T + 3 * BUCKET_MS]);
    const [first, empty, third, now] = s.timeline;
    expect(first).toMatchObject({ queries: 2, meanMs: 6, predictedMeanMs: 5, regretVsOracleMs: null });
    expect(first!.choices).toMatchObject({ 'vector-first': 1, 'filtered-vector': 1, 'graph-first': 0 });
    expect(empty).toMatchObject({ queries: 0, meanMs: null, predictedMeanMs: null });
    expect(third).toMatchObject({ queries: 1, meanMs: 2, predictedMeanMs: 3 });
    expect(now!.queries).toBe(0);
    expect(s.queries).toBe(3);
    expect(s.usage['vector-first']).toEqual({ chosen: 2, meanMs: 3 });
    expect(s.usage['graph-first']).toEqual({ chosen: 0, meanMs: null });
    expect(s.overheadUs!.mean).toBeCloseTo(4, 1);
    expect(s.recent.map((q) => q.actualMs)).toEqual([4, 8, 2]);
    expect(s.recent[1]).toEqual({ at: T + 9000, plan: 'filtered-vector', actualMs: 8, predictedMs: null, explored: true });
  });

  it('computes regret against the oracle and against the best fixed plan so far', () => {
    const r = new RegretTracker();
    // Sample 1: selector chose graph-first (10), best is 2; sample 2: chose vector-first (3), best is 3.
    r.recordOracle({ at: T, chosen: 'graph-first', latencies: latencies(4, 10, 20, 2, 30) });
    r.recordOracle({ at: T + BUCKET_MS, chosen: 'vector-first', latencies: latencies(3, 1, 20, 6, 30) });
    // Means: vector-first 3.5, graph-first 5.5, filtered-vector 4 → best fixed vector-first.
    const s = r.status(T + BUCKET_MS);
    expect(s.regret).toEqual({
      oracleSamples: 2,
      selectorMeanMs: 6.5,
      oracleMeanMs: 1.5,
      bestFixedPlan: 'vector-first',
      bestFixedMeanMs: 3.5,
      meanRegretVsOracleMs: 5,
      meanRegretVsBestFixedMs: 3,
    });
    expect(s.timeline[0]).toMatchObject({ regretVsOracleMs: 8, regretVsBestFixedMs: 6 });
    expect(s.timeline[1]).toMatchObject({ regretVsOracleMs: 2, regretVsBestFixedMs: 0 });
  });

  it('keeps 15 minutes of buckets and the last 200 queries; status matches the contract', () => {
    const r = new RegretTracker();
    for (let i = 0; i < 1000; i++) {
      r.recordQuery({ at: T + i * 2000, plan: 'cached-partial', actualMs: 1, predictedMs: 1, explored: false, overheadUs: 2 });
    }
    r.recordOracle({ at: T + 1999 * 1000, chosen: 'cached-partial', latencies: latencies(5, 5, 5, 5, 1) });
    const now = T + 1999 * 1000;
    const s = r.status(now);
    expect(s.timeline).toHaveLength(90);
    expect(s.timeline[0]!.at).toBe(Math.floor(now / BUCKET_MS) * BUCKET_MS - 89 * BUCKET_MS);
    expect(s.timeline.reduce((n, b) => n + b.queries, 0)).toBe(90 * 5);
    expect(s.recent).toHaveLength(RECENT_QUERIES);
    expect(s.recent[0]!.at).toBe(T + 800 * 2000);
    expect(s.queries).toBe(1000);

    const { usage, ...parts } = s;
    const status = plannerStatusSchema.parse({
      state: 'ready',
      message: null,
      vectorPath: { kind: 'in-process', detail: 'test' },
      index: null,
      plans: Object.entries(usage).map(([name, u]) => ({ name, description: name, ...u })),
      model: {
        observations: 0,
        perPlan: usage && Object.fromEntries(Object.keys(usage).map((k) => [k, 0])),
        fallback: true,
        training: false,
        trainings: 0,
        trainedAt: null,
        lastTrainMs: null,
      },
      planCache: { entries: 0, capacity: 1, hits: 0, misses: 0 },
      ...parts,
    });
    expect(status.timeline).toHaveLength(90);

    r.reset();
    expect(r.status(now)).toMatchObject({
      queries: 0,
      timeline: [],
      recent: [],
      overheadUs: null,
      regret: { oracleSamples: 0, bestFixedPlan: null },
    });
  });
});
