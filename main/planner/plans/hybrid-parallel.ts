import type { QueryPlan } from '../plan-context.ts';
import type { HybridHit, PlanRun } from '../planner-types.ts';
import { compareHits } from '../ranked-selection.ts';
import { computeFilterSet, computeNeighbourhood, queryHasFilters, startRun } from './plan-support.ts';

/** Extra share of the expected batch, so one batch usually suffices even when matches cluster far away. */
const BATCH_SLACK = 1.5;
const MIN_BATCH = 64;
/** Walk the ranking only while the expected batch is under this share (1/4) of the store. */
const DIRECT_RANK_SHARE = 4;

/**
 * All three parts in full, then combined: every distance, the whole neighbourhood and the whole filter set. The
 * seed's plan ran them concurrently against a database; in process they run one after the other, and what is left
 * is its trait: no early exit, so its cost hardly depends on the query, which makes it the steady choice when the
 * others' costs are hard to predict.
 */
export const hybridParallelPlan: QueryPlan = {
  name: 'hybrid-parallel',
  description: 'Computes every distance, the whole neighbourhood and the whole filter set, then walks the ranking to the first k in both.',
  async execute(query, context): Promise<PlanRun> {
    const run = startRun(context);
    const { store } = context;
    const { anchor } = query;
    const stream = store.rankedEagerly(query.embedding);
    run.stats.candidatesExamined += stream.examined;
    const neighbourhood = anchor !== undefined ? computeNeighbourhood(run, anchor) : undefined;
    const filterSet = queryHasFilters(query) ? computeFilterSet(run, query.filters) : undefined;

    // Rows allowed by every set present: a count per row, allowed when it reaches the number of sets.
    const required = (neighbourhood !== undefined ? 1 : 0) + (filterSet !== undefined ? 1 : 0);
    if (required === 0) return { rows: stream.next(query.k), stats: run.stats };
    const marks = new Uint8Array(store.rows);
    const allowed: number[] = [];
    for (const set of [neighbourhood, filterSet]) {
      if (set === undefined) continue;
      for (const id of set) {
        const row = store.rowOf(id);
        if (row < 0) continue;
        marks[row] = marks[row]! + 1;
        if (marks[row] === required) allowed.push(id);
      }
    }

    const rows: HybridHit[] = [];
    if (allowed.length === 0) return { rows, stats: run.stats };
    // The k-th allowed chunk is expected near rank k · rows / allowed. When that is deep in the ranking, the few
    // allowed chunks are ranked directly (their distances again: cheaper than ordering most of the store).
    let batch = Math.max(MIN_BATCH, Math.ceil((query.k * store.rows * BATCH_SLACK) / allowed.length));
    if (batch * DIRECT_RANK_SHARE >= store.rows) return { rows: store.rank(allowed, query.embedding, query.k), stats: run.stats };
    const wanted = Math.min(query.k, allowed.length);
    while (rows.length < wanted && !stream.done) {
      // Unsorted: the batch is exactly the next ranks; only the allowed few are sorted.
      const kept: HybridHit[] = [];
      for (const row of stream.nextRows(batch)) if (marks[row] === required) kept.push(stream.hitAt(row));
      rows.push(...kept.sort(compareHits).slice(0, wanted - rows.length));
      batch *= 2;
    }
    return { rows, stats: run.stats };
  },
};
