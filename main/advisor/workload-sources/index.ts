/** Workload from other sources than pg_stat_statements: SQL files, server logs, pg_stat_activity samples. */
export { sampleActivity, SAMPLE_INTERVAL_MS, type ActivitySample, type SampledStatement } from './activity-sampler.ts';
export {
  detectLogFormat,
  statementsFromServerLog,
  statementsFromServerLogFile,
  type LogFormat,
  type ServerLogStatements,
} from './server-log.ts';
export { WorkloadSourceError } from './source-error.ts';
export { statementsFromSqlFile } from './sql-file.ts';
