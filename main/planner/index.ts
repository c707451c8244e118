/** The learned plan selector for hybrid queries: the in-process index, the plans, the model and the selector. */
export { HybridPlanner } from './hybrid-planner.ts';
export { createHybridQueryGenerator, type HybridDomain, prepareHybridDomain } from './hybrid-query-generator.ts';
export { WorkerModelTrainer } from './model-trainer.ts';
export { PartialCache } from './partial-cache.ts';
export { PlanSelector } from './plan-selector.ts';
export type { PlannerTables } from './planner-tables.ts';
export { type HybridHit, type HybridQuery, PLAN_NAMES, type PlanName, type PlannerSql } from './planner-types.ts';
export { PLANS } from './plans/index.ts';
export { RegretTracker } from './regret-tracker.ts';
export { readColumnStats, type SelectivityStats, unanalyzedStats } from './table-selectivity.ts';
export { VectorStore } from './vector-store.ts';
