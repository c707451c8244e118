/** The database's own view: pg_stat_statements, activity, cancel, privileges. */
export { readActivity } from './activity.ts';
export { cancelQuery } from './cancel-query.ts';
export { dropDatabase } from './drop-database.ts';
export { checkPrivileges, privilegeNotices, type PrivilegeReport } from './privileges.ts';
export { TopStatementsSampler } from './top-statements.ts';
