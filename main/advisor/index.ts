/** The index advisor: workload capture, candidates, evaluation, index builds and their history. */
export { analyzeWorkload } from './analyze-workload.ts';
export type { SuppliedStatement } from './advisor-types.ts';
export type { IndexSpec } from './index-spec.ts';
export { BuildHistory, droppableLeftoverOf, type HistoryEntry } from './build-history.ts';
export { reconcileBuilds, type ReconcileFinding } from './build-reconcile.ts';
export { IndexBuilder } from './index-builder.ts';
export {
  sampleActivity,
  statementsFromServerLog,
  statementsFromServerLogFile,
  statementsFromSqlFile,
  WorkloadSourceError,
  type LogFormat,
  type ServerLogStatements,
} from './workload-sources/index.ts';
export { explainStatement, type ExplainTarget, type StatementExplain, type WhatIf } from './explain-statement.ts';
export type { PlanNode } from './plan-predicates.ts';
