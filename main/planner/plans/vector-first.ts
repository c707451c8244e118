import { NeighbourhoodMembership } from '../graph-walk.ts';
import { compareHits } from '../ranked-selection.ts';
import type { HybridHit, PlanRun, QueryPlan } from '../planner-types.ts';
import { checkFilters, queryHasFilters, recordNeighbourhood, startRun } from './plan-support.ts';

/** First batch: 4 × k (a query whose filters pass a quarter of chunks needs one batch), at least this many. */
const MIN_FIRST_BATCH = 256;
const GROWTH = 4;
/** Larger batches make one `id = ANY(…)` statement too long to be worth the few ids it saves. */
const MAX_BATCH = 65_536;

/**
 * Nearest first: candidates leave the store in exact (distance, id) order and are checked batch by batch until k
 * pass, so the first k that pass are the answer. Wins when the filters and the neighbourhood let most chunks
 * through (a few hundred id lookups, and distances for a few clusters only); loses when they are selective, since it
 * may check most of the table before k pass.
 */
export const vectorFirstPlan: QueryPlan = {
  name: 'vector-first',
  description: 'Ranks chunks nearest first in process (visiting only the clusters it must), checks them in growing batches (filters in SQL, graph membership by meet-in-the-middle) until k pass.',
  async execute(query, context): Promise<PlanRun> {
    const run = startRun(context);
    const { store } = context;
    const filtered = queryHasFilters(query);
    const anchor = query.anchor;
    const stream = store.ranked(query.embedding);
    if (!filtered && anchor === undefined) {
      const rows = stream.next(query.k);
      run.stats.candidatesExamined += stream.examined;
      return { rows, stats: run.stats };
    }

    let membership: NeighbourhoodMembership | undefined;
    if (anchor !== undefined) {
      membership = await NeighbourhoodMembership.open(run.sql, anchor);
      const near = { chunkId: anchor.chunkId, depth: NeighbourhoodMembership.nearDepth(anchor) };
      recordNeighbourhood(run, near, membership.nearBall);
      if (anchor.depth === 1) run.stats.neighbourhoodSize = membership.nearBall.length;
    }

    // At depth 1 the walked set is the whole neighbourhood: once all its members have come by, nothing else can
    // pass, so the stream can stop there instead of running through the rest of the store.
    let membersLeft = Infinity;
    if (membership !== undefined && anchor?.depth === 1) membersLeft = membership.nearBall.filter((id) => store.has(id)).length;

    const rows: HybridHit[] = [];
    let batch = Math.max(MIN_FIRST_BATCH, query.k * 4);
    while (rows.length < query.k && !stream.done && membersLeft > 0) {
      // Unsorted: the batch is exactly the next ranks, and only the few that pass need sorting (or an object).
      const batchRows = stream.nextRows(batch);
      let passing = Array.from(batchRows, (row) => store.idAt(row));
      // At depth 1 membership is a lookup in the walked set: do it first, so SQL checks only members.
      if (membership !== undefined && anchor?.depth === 1) {
        passing = await membership.filter(passing);
        membersLeft -= passing.length;
      }
      if (filtered && passing.length > 0) {
        const ok = new Set(await checkFilters(run, passing, query.filters));
        passing = passing.filter((id) => ok.has(id));
      }
      if (membership !== undefined && anchor?.depth !== 1 && passing.length > 0) {
        run.stats.candidatesExamined += passing.length;
        passing = await membership.filter(passing);
      }
      const kept = new Set(passing);
      const hits: HybridHit[] = [];
      for (const row of batchRows) if (kept.has(store.idAt(row))) hits.push(stream.hitAt(row));
      rows.push(...hits.sort(compareHits).slice(0, query.k - rows.length));
      batch = Math.min(MAX_BATCH, batch * GROWTH);
    }
    run.stats.candidatesExamined += stream.examined;
    return { rows, stats: run.stats };
  },
};
