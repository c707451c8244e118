import type { QueryPlan } from '../plan-context.ts';
import type { PlanName } from '../planner-types.ts';
import { cachedPartialPlan } from './cached-partial.ts';
import { filteredVectorPlan } from './filtered-vector.ts';
import { graphFirstPlan } from './graph-first.ts';
import { hybridParallelPlan } from './hybrid-parallel.ts';
import { vectorFirstPlan } from './vector-first.ts';

/** Every candidate plan by name; the Record type makes TypeScript fail when PLAN_NAMES gains a plan without one. */
export const PLANS: Readonly<Record<PlanName, QueryPlan>> = {
  'vector-first': vectorFirstPlan,
  'graph-first': graphFirstPlan,
  'hybrid-parallel': hybridParallelPlan,
  'filtered-vector': filteredVectorPlan,
  'cached-partial': cachedPartialPlan,
};
