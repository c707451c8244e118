/** Workload profiles, parameter generators, the open-loop runner, latency recording, the PostgreSQL target. */
export { loadDemoProfile } from './demo-profile.ts';
export { DEFAULT_SETTLE_MS, MEASUREMENT_WINDOW_S } from './measurement-window.ts';
export { prepareTemplateParams } from './param-generators.ts';
export { COLUMNS_AS_TEXT } from './columns-as-text.ts';
export { PgWorkloadTarget } from './pg-workload-target.ts';
export {
  DEFAULT_PROFILE_TOP,
  profileFromStats,
  ProfileFromStatsError,
  type IncludedStatement,
  type ProfileFromStats,
  type ProfileFromStatsOptions,
} from './profile-from-stats.ts';
export { loadWorkloadProfile, WorkloadProfileError } from './profile-loader.ts';
export type { HybridTemplateSpec, WorkloadProfile } from './profile-schema.ts';
export { SplitWorkloadTarget } from './split-workload-target.ts';
export { createTemplatePicker } from './template-picker.ts';
export { WorkloadRunner } from './workload-runner.ts';
export { type ExecutionTiming, NOOP_TARGET, type WorkloadTarget } from './workload-target.ts';
