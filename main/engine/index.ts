/** The engine: Engine (lifecycle, state, the contract) and what the hosts use of it. */
export type { CacheSettings } from './cache-session.ts';
export { DEMO_PLANNER_TABLES } from './demo-planner-tables.ts';
export { toContractError } from './engine-errors.ts';
export { Engine, type EngineOptions } from './engine.ts';
