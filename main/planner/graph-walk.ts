import { EDGES_TABLE, demoTable } from '../demo/schema.ts';
import { quoteIdent } from '../sql/identifiers.ts';
import { idArrayParameter, parseIdList } from './filter-sql.ts';
import type { GraphAnchor, PlannerSql } from './planner-types.ts';

const q = quoteIdent;
const EDGES = demoTable(EDGES_TABLE);

/**
 * The chunks one step from any id of $1, either direction. UNION (not UNION ALL) lets the server drop the
 * duplicates a hub's many edges produce before they cross the wire. Each side is an index lookup: `src` leads the
 * primary key; `dst` needs its own index (the advisor proposes it for the demo's graph templates).
 */
const ONE_STEP = `SELECT string_agg(${q('n')}::text, ',') AS ${q('ids')} FROM (
  SELECT ${q('dst')} AS ${q('n')} FROM ${EDGES} WHERE ${q('src')} = ANY($1::bigint[])
  UNION
  SELECT ${q('src')} FROM ${EDGES} WHERE ${q('dst')} = ANY($1::bigint[])
) AS ${q('step')}`;

/**
 * Which ids of $1 have an edge (either direction) to an id of $2: the middle of a meet-in-the-middle test.
 */
const TOUCHING = `SELECT string_agg(${q('c')}::text, ',') AS ${q('ids')} FROM (
  SELECT ${q('src')} AS ${q('c')} FROM ${EDGES} WHERE ${q('src')} = ANY($1::bigint[]) AND ${q('dst')} = ANY($2::bigint[])
  UNION
  SELECT ${q('dst')} FROM ${EDGES} WHERE ${q('dst')} = ANY($1::bigint[]) AND ${q('src')} = ANY($2::bigint[])
) AS ${q('touching')}`;

/**
 * N(anchor, depth): the chunks reachable in 1..depth steps along edges in either direction, the anchor excluded;
 * ascending ids. Breadth-first with one statement per level over the new frontier only (a chunk seen at level 1
 * is never expanded again at level 2), deduplicated here. Stops early when a level adds nothing.
 */
export async function walkNeighbourhood(sql: PlannerSql, anchor: GraphAnchor): Promise<Float64Array> {
  const seen = new Set<number>([anchor.chunkId]);
  let frontier: number[] = [anchor.chunkId];
  for (let level = 1; level <= anchor.depth && frontier.length > 0; level += 1) {
    const { rows } = await sql.query<{ ids: string | null }>(ONE_STEP, [idArrayParameter(frontier)]);
    const reached = parseIdList(rows[0]?.ids);
    const next: number[] = [];
    for (const id of reached) {
      if (seen.has(id)) continue;
      seen.add(id);
      next.push(id);
    }
    frontier = next;
  }
  seen.delete(anchor.chunkId);
  return Float64Array.from(seen).sort();
}

/**
 * Tests candidates for membership in N(anchor, depth) without walking the whole neighbourhood, for plans that
 * meet candidates in distance order (vector-first).
 *
 * Meet in the middle: c ≠ anchor lies within `depth` steps iff the ball of radius ⌈depth/2⌉ around the anchor
 * (the anchor included) meets the ball of radius ⌊depth/2⌋ around c. So the anchor's side is walked once
 * (depth 1 → N(a,1), 2 → N(a,1), 3 → N(a,2): a hub's 2-hop walk of tens of thousands is avoided for depth 2), and
 * each batch of candidates costs one statement for the radius-1 side (depth 2 and 3): which candidates have an
 * edge into the anchor's ball. Exact; the walk of the near ball is available to the partial cache.
 */
export class NeighbourhoodMembership {
  readonly anchor: GraphAnchor;
  /** N(anchor, ⌈depth/2⌉), the anchor excluded: what `open` walked (or was given). */
  readonly nearBall: Float64Array;
  readonly #ball: Set<number>;
  readonly #ballParameter: string;
  readonly #sql: PlannerSql;

  private constructor(sql: PlannerSql, anchor: GraphAnchor, nearBall: Float64Array) {
    this.#sql = sql;
    this.anchor = anchor;
    this.nearBall = nearBall;
    this.#ball = new Set(nearBall);
    this.#ball.add(anchor.chunkId);
    this.#ballParameter = idArrayParameter([anchor.chunkId, ...nearBall]);
  }

  /** The anchor's radius: ⌈depth/2⌉. */
  static nearDepth(anchor: GraphAnchor): 1 | 2 {
    return anchor.depth === 3 ? 2 : 1;
  }

  /** Walks the anchor's near ball, unless the caller has it (`nearBall` = N(anchor, nearDepth)). */
  static async open(sql: PlannerSql, anchor: GraphAnchor, nearBall?: Float64Array): Promise<NeighbourhoodMembership> {
    const ball = nearBall ?? await walkNeighbourhood(sql, { chunkId: anchor.chunkId, depth: NeighbourhoodMembership.nearDepth(anchor) });
    return new NeighbourhoodMembership(sql, anchor, ball);
  }

  /** The ids of `candidates` that lie in N(anchor, depth), in the candidates' order. */
  async filter(candidates: readonly number[]): Promise<number[]> {
    const anchorId = this.anchor.chunkId;
    const inBall = (id: number): boolean => id !== anchorId && this.#ball.has(id);
    if (this.anchor.depth === 1) return candidates.filter(inBall);
    // Depth 2 and 3: the candidate's radius is 1, so it is in if it is in the ball or has an edge into it.
    const outside = candidates.filter((id) => id !== anchorId && !this.#ball.has(id));
    let touching = new Set<number>();
    if (outside.length > 0) {
      const { rows } = await this.#sql.query<{ ids: string | null }>(TOUCHING, [idArrayParameter(outside), this.#ballParameter]);
      touching = new Set(parseIdList(rows[0]?.ids));
    }
    return candidates.filter((id) => inBall(id) || touching.has(id));
  }
}
