/** The Optimize plan: steps with estimated gains and notes (pure). */
export { buildOptimizeSteps, WARM_KEYS } from './optimize-plan.ts';
