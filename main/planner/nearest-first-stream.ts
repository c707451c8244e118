import { approxBound, type ApproxDistances } from './approx-distances.ts';
import { EMBEDDING_DIMENSIONS, type HybridHit } from './planner-types.ts';
import { selectNth } from '../util/select-nth.ts';
import { nextHits, sortRange, type RankedOrder } from './ranked-selection.ts';
import { RowMaxHeap } from './row-max-heap.ts';
import { squaredDistance, squaredDistancesOfAll } from './vector-distance.ts';

const DIMS = EMBEDDING_DIMENSIONS;
/** A first batch larger than this share of the store gains little from skipping rows: it is computed in full. */
const FIRST_BATCH_SHARE = 8;

/**
 * The store in exact (distance, id) order, cheap when only the nearest few are wanted, which is what most queries
 * read (`next(k)`, or vector-first's first batch). The first batch is found in one pass: the SIMD kernel computes
 * every row's approximate distance (`ApproxDistances`), a max-heap holds the nearest rows so far, and only a row
 * whose approximate distance could still be within the heap's farthest gets its exact `squaredDistance`; on the
 * demo's embeddings that is a few hundred rows of 200,000. Nothing the size of the store is allocated for it: the
 * heap keeps its k distances and the kernel writes into its own memory. Later batches first compute every row's
 * exact distance, then proceed as `RankedStream` does. Every distance handed out is exact, and a row is only
 * skipped when it is certainly farther than the heap's farthest, so the order is exactly the full ranking's.
 */
export class NearestFirstStream implements RankedOrder {
  readonly #approx: ApproxDistances;
  readonly #vectors: Float32Array;
  readonly #ids: Float64Array;
  readonly #query: Float32Array;
  /** Every row's distance, once a batch after the first needed them (`#complete`); until then only the first batch's. */
  #distances: Float64Array | undefined;
  readonly #firstDistances = new Map<number, number>();
  /** Set once every distance is exact; until then only the first batch has been handed out. */
  #order: Int32Array | undefined;
  #firstBatch: Int32Array | undefined;
  #position = 0;
  #examined = 0;

  constructor(approx: ApproxDistances, ids: Float64Array, query: Float32Array) {
    if (approx.rows !== ids.length) throw new RangeError(`The stream needs one id per row: ${approx.rows} rows, ${ids.length} ids.`);
    this.#approx = approx;
    this.#vectors = approx.vectors;
    this.#ids = ids;
    this.#query = query;
  }

  get position(): number {
    return this.#position;
  }

  get done(): boolean {
    return this.#position >= this.#ids.length;
  }

  /** Rows whose distance was computed: approximately (the first batch) or exactly. */
  get examined(): number {
    return this.#examined;
  }

  next(count: number): HybridHit[] {
    return nextHits(this, count);
  }

  nextRows(count: number, sorted = false): Int32Array {
    const from = this.#position;
    const end = Math.min(this.#ids.length, from + Math.max(0, count));
    if (end <= from) return new Int32Array(0) as Int32Array<ArrayBufferLike>;
    if (from === 0 && this.#order === undefined && end * FIRST_BATCH_SHARE < this.#ids.length) {
      // Sorted either way: the heap hands its few rows out nearest first.
      const batch = this.#nearest(end);
      this.#firstBatch = batch;
      this.#position = end;
      return batch;
    }
    const order = this.#order ?? this.#complete();
    const distances = this.#distances!;
    if (end < order.length) selectNth(order, distances, end - 1, from, order.length - 1);
    if (sorted) sortRange(order, distances, from, end);
    this.#position = end;
    return order.subarray(from, end);
  }

  hitAt(row: number): HybridHit {
    const distance = this.#distances !== undefined ? this.#distances[row] : this.#firstDistances.get(row);
    if (distance === undefined) throw new RangeError(`Row ${row} has not been handed out by this stream.`);
    return { id: this.#ids[row]!, distance };
  }

  /** The `count` nearest rows, nearest first, in one pass over the approximate distances; their exact distances are kept by row. */
  #nearest(count: number): Int32Array {
    const rows = this.#ids.length;
    const vectors = this.#vectors;
    const query = this.#query;
    const approx = this.#approx.compute(query);
    const heap = new RowMaxHeap(count);
    let limit = Infinity;
    let bound = Infinity;
    for (let row = 0; row < rows; row += 1) {
      if (approx[row]! > bound) continue;
      // Rows come in ascending order, so a later row that ties the farthest kept one ranks after it: strict `<`.
      const distance = squaredDistance(vectors, row * DIMS, query);
      if (distance >= limit) continue;
      limit = heap.keep(row, distance);
      bound = approxBound(limit);
    }
    this.#examined = rows;
    const { rows: nearest, distances } = heap.sorted();
    nearest.forEach((row, i) => this.#firstDistances.set(row, distances[i]!));
    return nearest;
  }

  /** Exact distances for every row, and the order with the first batch (if any) in front. */
  #complete(): Int32Array {
    const rows = this.#ids.length;
    const order = new Int32Array(rows);
    // Every distance in full (the first batch's again: the same bits); the first batch keeps its place in front.
    const distances = new Float64Array(rows);
    squaredDistancesOfAll(this.#vectors, rows, this.#query, distances);
    const first = this.#firstBatch ?? new Int32Array(0);
    order.set(first);
    const handedOut = new Uint8Array(rows);
    for (const row of first) handedOut[row] = 1;
    let n = first.length;
    for (let row = 0; row < rows; row += 1) {
      if (handedOut[row] === 1) continue;
      order[n] = row;
      n += 1;
    }
    this.#examined = rows;
    this.#distances = distances;
    this.#order = order;
    return order;
  }
}
