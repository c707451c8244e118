import type { PlanNamePayload, PlannerIntervalPayload, PlannerStatusPayload } from '../../../main/contract/planner.ts';

/** The contract's plans, in its order (spelled out: the fixture must not depend on the engine's modules). */
export const FIXTURE_PLANS: readonly { name: PlanNamePayload; description: string; meanMs: number }[] = [
  { name: 'vector-first', description: 'Nearest chunks by embedding, then their graph neighbours', meanMs: 14.2 },
  { name: 'graph-first', description: 'Walk the session graph, then rank the chunks found by similarity', meanMs: 9.8 },
  { name: 'hybrid-parallel', description: 'Vector and graph searches at once, merged by rank', meanMs: 11.5 },
  { name: 'filtered-vector', description: 'Vector search restricted to the session’s chunks', meanMs: 7.4 },
  { name: 'cached-partial', description: 'Reuse cached neighbour lists, fetch only what is missing', meanMs: 5.1 },
];

/** A small deterministic generator, so every run draws the same figures. */
function seeded(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export const FIXTURE_NOW = Date.UTC(2026, 10, 27, 10, 30, 0);

/** `buckets` 10-second buckets ending at FIXTURE_NOW: early ones on the default plan, later ones spread as a trained model would. */
export function plannerTimeline(buckets = 30): PlannerIntervalPayload[] {
  const random = seeded(7);
  return Array.from({ length: buckets }, (_, i) => {
    const at = FIXTURE_NOW - (buckets - i) * 10_000;
    const learned = i >= buckets / 3;
    const queries = 40 + Math.round(random() * 20);
    const choices: Partial<Record<PlanNamePayload, number>> = learned
      ? {
          'cached-partial': Math.round(queries * 0.5),
          'filtered-vector': Math.round(queries * 0.3),
          'graph-first': Math.round(queries * 0.15),
        }
      : { 'vector-first': queries };
    const assigned = Object.values(choices).reduce((a, b) => a + (b ?? 0), 0);
    if (learned) choices['hybrid-parallel'] = queries - assigned;
    return {
      at,
      queries,
      // The contract's per-plan records name every plan (zod records over an enum are exhaustive).
      choices: Object.fromEntries(FIXTURE_PLANS.map((p) => [p.name, choices[p.name] ?? 0])) as Record<PlanNamePayload, number>,
      meanMs: learned ? 6.5 + random() : 14 + random(),
      predictedMeanMs: learned ? 6.2 + random() : null,
      regretVsOracleMs: learned ? 0.6 + random() * 0.4 : 8.5 + random(),
      regretVsBestFixedMs: learned ? -(0.8 + random() * 0.5) : 9 + random(),
    };
  });
}

/** `count` recent queries, oldest first; every seventh one explored; the first 20 have no prediction (fallback). */
export function plannerRecent(count = 200): PlannerStatusPayload['recent'] {
  const random = seeded(11);
  return Array.from({ length: count }, (_, i) => {
    const plan = FIXTURE_PLANS[i % FIXTURE_PLANS.length]!;
    const actualMs = plan.meanMs * (0.4 + random() * 1.4);
    return {
      at: FIXTURE_NOW - (count - i) * 400,
      plan: plan.name,
      actualMs,
      predictedMs: i < 20 ? null : actualMs * (0.8 + random() * 0.4),
      explored: i % 7 === 0,
    };
  });
}

/** A realistic ready planner: trained model, regret measured, five plans, 30 buckets and 200 recent queries. */
export function plannerStatus(overrides: Partial<PlannerStatusPayload> = {}): PlannerStatusPayload {
  const timeline = plannerTimeline();
  const chosen = (name: PlanNamePayload) => timeline.reduce((sum, b) => sum + (b.choices[name] ?? 0), 0);
  return {
    state: 'ready',
    message: null,
    vectorPath: { kind: 'in-process', detail: 'exact cosine over 384-dimension embeddings, kept in step with chunks' },
    index: { rows: 120_000, bytes: 184_549_376, loadedAt: FIXTURE_NOW - 600_000 },
    plans: FIXTURE_PLANS.map((p) => ({
      name: p.name,
      description: p.description,
      chosen: chosen(p.name),
      meanMs: chosen(p.name) > 0 ? p.meanMs : null,
    })),
    queries: timeline.reduce((sum, b) => sum + b.queries, 0),
    model: {
      observations: 1_480,
      perPlan: { 'vector-first': 520, 'graph-first': 240, 'hybrid-parallel': 190, 'filtered-vector': 260, 'cached-partial': 270 },
      fallback: false,
      training: false,
      trainings: 3,
      trainedAt: FIXTURE_NOW - 42_000,
      lastTrainMs: 850,
    },
    planCache: { entries: 310, capacity: 1024, hits: 930, misses: 70 },
    overheadUs: { mean: 38.4, p95: 112 },
    regret: {
      oracleSamples: 340,
      selectorMeanMs: 7.1,
      oracleMeanMs: 6.4,
      bestFixedPlan: 'cached-partial',
      bestFixedMeanMs: 8.0,
      meanRegretVsOracleMs: 0.7,
      meanRegretVsBestFixedMs: -0.9,
    },
    timeline,
    recent: plannerRecent(),
    ...overrides,
  };
}

/** What the engine answers while it reads the vector index. */
export function loadingPlannerStatus(rows = 48_000): PlannerStatusPayload {
  return plannerStatus({
    state: 'loading',
    message: 'Reading the chunks’ embeddings into the in-process index.',
    index: { rows, bytes: rows * 1536, loadedAt: FIXTURE_NOW },
    plans: FIXTURE_PLANS.map((p) => ({ name: p.name, description: p.description, chosen: 0, meanMs: null })),
    queries: 0,
    model: {
      observations: 0,
      perPlan: Object.fromEntries(FIXTURE_PLANS.map((p) => [p.name, 0])) as Record<PlanNamePayload, number>,
      fallback: true,
      training: false,
      trainings: 0,
      trainedAt: null,
      lastTrainMs: null,
    },
    planCache: { entries: 0, capacity: 1024, hits: 0, misses: 0 },
    overheadUs: null,
    regret: {
      oracleSamples: 0,
      selectorMeanMs: null,
      oracleMeanMs: null,
      bestFixedPlan: null,
      bestFixedMeanMs: null,
      meanRegretVsOracleMs: null,
      meanRegretVsBestFixedMs: null,
    },
    timeline: [],
    recent: [],
  });
}
