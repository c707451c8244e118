import { selectNth } from '../util/select-nth.ts';
import type { HybridHit } from './planner-types.ts';

/**
 * Partial selection over row indexes keyed by (distance, row). Rows are kept in id order by the store, so
 * "(distance, row)" is exactly the answer's "(distance, id)" order; keys are unique, so the order is total and
 * every plan that selects with it agrees, ties included.
 *
 * Selection instead of sorting: a query wants k of the store's n rows, with k far below n, and a full sort costs
 * about log₂ n times a linear-time select of the few that are handed out.
 */

/** Sorts `order[from … to)` in (distance, row) order, in place. */
export function sortRange(order: Int32Array, distances: Float64Array, from: number, to: number): void {
  order.subarray(from, to).sort((a, b) => distances[a]! - distances[b]! || a - b);
}

/**
 * Puts the `count` first rows of `order[from … length)` at `order[from … from + count)`, sorted.
 * Returns the end of the sorted range.
 */
export function selectSorted(order: Int32Array, distances: Float64Array, from: number, count: number): number {
  const end = Math.min(order.length, from + count);
  if (end <= from) return from;
  // Selecting pays only when it leaves a good share unsorted; otherwise sorting all the rest is as cheap.
  if (end < order.length && (end - from) * 4 < order.length - from) {
    selectNth(order, distances, end - 1, from, order.length - 1);
    sortRange(order, distances, from, end);
  } else {
    sortRange(order, distances, from, order.length);
  }
  return end;
}

/** (distance, id) order for hits, as the answer is defined. */
export function compareHits(a: HybridHit, b: HybridHit): number {
  return a.distance - b.distance || a.id - b.id;
}

/** The store's rows handed out in exact (distance, id) order, batch by batch. */
export interface RankedOrder {
  /** Rows handed out so far. */
  readonly position: number;
  readonly done: boolean;
  /** Distances computed so far (what the plan's `candidatesExamined` counts). */
  readonly examined: number;
  /** The next `count` chunks (fewer at the end), nearest first. */
  next(count: number): HybridHit[];
  /**
   * The rows (store row indexes) of the next `count` ranks. With `sorted` false they come in no particular order,
   * still exactly the next `count` ranks: a caller that keeps a few of a large batch sorts only those, and builds
   * no object for the rest. A view of the stream's order; later calls never touch the ranks handed out.
   */
  nextRows(count: number, sorted?: boolean): Int32Array;
  /** The hit of a row handed out by `nextRows`. */
  hitAt(row: number): HybridHit;
}

/** `RankedOrder.next` for any implementation: the next `count` rows, sorted, as hits. */
export function nextHits(order: RankedOrder, count: number): HybridHit[] {
  const rows = order.nextRows(count, true);
  const hits: HybridHit[] = [];
  for (const row of rows) hits.push(order.hitAt(row));
  return hits;
}

/**
 * Every distance computed up front, then handed out without sorting the whole: each `next(count)` selects the next
 * `count` rows from those not handed out yet (linear time) and sorts only them.
 */
export class RankedStream implements RankedOrder {
  readonly #distances: Float64Array;
  readonly #ids: Float64Array;
  readonly #order: Int32Array;
  #position = 0;

  constructor(distances: Float64Array, ids: Float64Array) {
    this.#distances = distances;
    this.#ids = ids;
    this.#order = new Int32Array(distances.length);
    for (let r = 0; r < this.#order.length; r += 1) this.#order[r] = r;
  }

  get position(): number {
    return this.#position;
  }

  get done(): boolean {
    return this.#position >= this.#order.length;
  }

  get examined(): number {
    return this.#distances.length;
  }

  next(count: number): HybridHit[] {
    return nextHits(this, count);
  }

  nextRows(count: number, sorted = false): Int32Array {
    const from = this.#position;
    let end: number;
    if (sorted) end = selectSorted(this.#order, this.#distances, from, count);
    else {
      end = Math.min(this.#order.length, from + Math.max(0, count));
      if (end > from && end < this.#order.length) selectNth(this.#order, this.#distances, end - 1, from, this.#order.length - 1);
    }
    this.#position = end;
    return this.#order.subarray(from, end);
  }

  hitAt(row: number): HybridHit {
    return { id: this.#ids[row]!, distance: this.#distances[row]! };
  }
}
