/** The memory manager: sampling, budget, pressure levels, cleanup steps. */
export { BackgroundGate } from './background-gate.ts';
export type { ReclaimableCache, ReclaimablePool } from './cleanup-steps.ts';
export { defaultMemoryBudget, formatBytes, parseMemoryBudget } from './memory-budget.ts';
export { budgetBelowRest } from './memory-floor.ts';
export { MemoryManager } from './memory-manager.ts';
export { registerMemoryMetrics } from './memory-metrics.ts';
export type { MemoryAction, MemorySnapshot } from './memory-types.ts';
export { type ChildProcess, ResourceSampler } from './resource-sampler.ts';
