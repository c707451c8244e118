/** The index advisor: workload capture, candidates, evaluation, index builds and their history. */
export { analyzeWorkload } from './analyze-workload.ts';
export { BuildHistory, droppableLeftoverOf, type HistoryEntry } from './build-history.ts';
export { reconcileBuilds, type ReconcileFinding } from './build-reconcile.ts';
export { IndexBuilder } from './index-builder.ts';
