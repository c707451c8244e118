/** The sustained judge of the seed's eight success metrics (pure: the engine feeds it one snapshot a second). */
export { SloJudge, SLO_RING_SECONDS } from './slo-judge.ts';
export { SLO_TARGETS, type SloSample, type SloTarget } from './slo-targets.ts';
