/** The database's own view: pg_stat_statements, activity, cancel/terminate, locks, sizes, vacuum, rates, privileges. */
export { readActivity } from './activity.ts';
export { cancelQuery } from './cancel-query.ts';
export { dropDatabase } from './drop-database.ts';
export { checkPrivileges, privilegeNotices, type PrivilegeReport } from './privileges.ts';
export { TopStatementsSampler } from './top-statements.ts';
export { readLockTree } from './locks.ts';
export { readDatabaseSizes } from './table-sizes.ts';
export { readVacuumHealth } from './vacuum-health.ts';
export { DatabaseRatesSampler } from './database-rates.ts';
export { terminateBackend } from './terminate-backend.ts';
export { readRedisOverview, unreadableRedis } from './redis-overview.ts';
export { explainedPlan, planText, type JsonPlanNode } from './plan-view.ts';
