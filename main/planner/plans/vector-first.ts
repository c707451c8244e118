import { NeighbourhoodMembership } from '../chunk-graph.ts';
import { compareHits } from '../ranked-selection.ts';
import type { QueryPlan } from '../plan-context.ts';
import type { HybridHit, PlanRun } from '../planner-types.ts';
import { queryHasFilters, startRun } from './plan-support.ts';

/** The first batch: 4 × k (a query whose filters pass a quarter of chunks finds its k there), at least this many. */
const MIN_FIRST_BATCH = 256;

/**
 * Nearest first: the first batch leaves the store in exact (distance, id) order (its ranking drops most rows after
 * part of their distance) and is tested against the filters and the neighbourhood; when k pass, they are the
 * answer. Otherwise the rest of the answer is the nearest passing chunks outside the batch, found in one more pass
 * with the tests first. Wins when the filters and the neighbourhood let most chunks through; loses when they are
 * selective, since it then pays for the first batch and a pass over the whole store. Around a hub it walks only the
 * near ball (meet in the middle).
 */
export const vectorFirstPlan: QueryPlan = {
  name: 'vector-first',
  description:
    'Ranks the nearest chunks first and tests them (filter columns, graph membership by meet-in-the-middle); if fewer than k pass, one more pass finds the nearest passing others.',
  async execute(query, context): Promise<PlanRun> {
    const run = startRun(context);
    const { store } = context;
    const { anchor, k } = query;
    const filter = queryHasFilters(query) ? store.compileFilters(query.filters) : undefined;
    let membership: NeighbourhoodMembership | undefined;
    if (anchor !== undefined) {
      const anchorRow = store.rowOf(anchor.chunkId);
      if (anchorRow < 0) return { rows: [], stats: run.stats };
      membership = new NeighbourhoodMembership(store.graph, anchorRow, anchor.depth);
      if (anchor.depth === 1) run.stats.neighbourhoodSize = membership.nearBall.length;
    }
    const passes = (row: number): boolean =>
      (filter === undefined || store.passesAt(row, filter)) && (membership === undefined || membership.has(row));

    const stream = store.ranked(query.embedding);
    const batch = stream.nextRows(Math.max(MIN_FIRST_BATCH, k * 4));
    run.stats.candidatesExamined += stream.examined;
    const hits: HybridHit[] = [];
    for (const row of batch) if (passes(row)) hits.push(stream.hitAt(row));
    hits.sort(compareHits);
    if (filter !== undefined || membership !== undefined) run.stats.candidatesExamined += batch.length;
    if (hits.length >= k || stream.done) return { rows: hits.slice(0, k), stats: run.stats };

    // Every row of the batch is nearer than every row outside it, so the nearest passing rows outside it follow.
    const inBatch = new Uint8Array(store.rows);
    for (const row of batch) inBatch[row] = 1;
    const rest = store.rankWhere(query.embedding, k - hits.length, (row) => inBatch[row] === 0 && passes(row));
    run.stats.candidatesExamined += store.rows;
    return { rows: [...hits, ...rest], stats: run.stats };
  },
};
