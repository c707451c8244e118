import { NeighbourhoodMembership } from '../chunk-graph.ts';
import { compareHits } from '../ranked-selection.ts';
import type { HybridHit, PlanRun, QueryPlan } from '../planner-types.ts';
import { queryHasFilters, startRun } from './plan-support.ts';

/** First batch: 4 × k (a query whose filters pass a quarter of chunks needs one batch), at least this many. */
const MIN_FIRST_BATCH = 256;
const GROWTH = 4;

/**
 * Nearest first: candidates leave the store in exact (distance, id) order and are tested batch by batch until k
 * pass, so the first k that pass are the answer. Wins when the filters and the neighbourhood let most chunks
 * through (the first batch then suffices, and its ranking drops most rows early); loses when they are selective,
 * since it may rank most of the store before k pass. Around a hub it walks only the near ball (meet in the middle).
 */
export const vectorFirstPlan: QueryPlan = {
  name: 'vector-first',
  description: 'Ranks chunks nearest first in process, tests them in growing batches (filter columns, graph membership by meet-in-the-middle) until k pass.',
  async execute(query, context): Promise<PlanRun> {
    const run = startRun(context);
    const { store } = context;
    const { anchor } = query;
    const stream = store.ranked(query.embedding);
    const filter = queryHasFilters(query) ? store.compileFilters(query.filters) : undefined;
    let membership: NeighbourhoodMembership | undefined;
    // At depth 1 the walked ball is the whole neighbourhood: once all its members have come by, nothing else can
    // pass, so the stream can stop there instead of running through the rest of the store.
    let membersLeft = Infinity;
    if (anchor !== undefined) {
      const anchorRow = store.rowOf(anchor.chunkId);
      if (anchorRow < 0) return { rows: [], stats: run.stats };
      membership = new NeighbourhoodMembership(store.graph, anchorRow, anchor.depth);
      if (anchor.depth === 1) {
        run.stats.neighbourhoodSize = membership.nearBall.length;
        membersLeft = membership.nearBall.length;
      }
    }

    const rows: HybridHit[] = [];
    let batch = Math.max(MIN_FIRST_BATCH, query.k * 4);
    while (rows.length < query.k && !stream.done && membersLeft > 0) {
      // Unsorted: the batch is exactly the next ranks, and only the few that pass need sorting (or an object).
      const batchRows = stream.nextRows(batch);
      const hits: HybridHit[] = [];
      for (const row of batchRows) {
        if (membership !== undefined) {
          if (!membership.has(row)) continue;
          membersLeft -= 1;
        }
        if (filter !== undefined && !store.passesAt(row, filter)) continue;
        hits.push(stream.hitAt(row));
      }
      if (filter !== undefined || membership !== undefined) run.stats.candidatesExamined += batchRows.length;
      rows.push(...hits.sort(compareHits).slice(0, query.k - rows.length));
      batch *= GROWTH;
    }
    run.stats.candidatesExamined += stream.examined;
    return { rows, stats: run.stats };
  },
};
