import { EMBEDDING_DIMENSIONS } from '../demo/schema.ts';
import type { HybridHit } from './planner-types.ts';
import { nextHits, selectNth, sortRange, type RankedOrder } from './ranked-selection.ts';
import { RowMaxHeap } from './row-max-heap.ts';
import { squaredDistancesOfAll } from './vector-distance.ts';

const DIMS = EMBEDDING_DIMENSIONS;
if (DIMS !== 32) throw new Error(`partialDistance checks after 8 and 16 of 32 dimensions; EMBEDDING_DIMENSIONS is ${DIMS}.`);
/** A first batch larger than this share of the store gains nothing from abandoning: it is computed in full. */
const FIRST_BATCH_SHARE = 8;

/**
 * The store in exact (distance, id) order, cheap when only the nearest few are wanted, which is what most queries
 * read (`next(k)`, or vector-first's first batch). The first batch is found in one pass with early abandoning: a
 * max-heap holds the nearest rows so far, and a row's distance stops being summed once its partial sum passes the
 * heap's farthest, since further terms only add. On the demo's embeddings most rows lie in other topics and are
 * dropped after 8 or 16 of 32 dimensions. Nothing the size of the store is allocated for it: the heap keeps its k
 * distances. Later batches first compute every row's distance, then proceed as `RankedStream` does. Every distance that is completed is bit-identical to `squaredDistance` (same terms, same
 * order), and a dropped row's partial sum is a lower bound of it (float64 sums of non-negative terms never
 * decrease), so the order handed out is exactly the full ranking's.
 */
export class NearestFirstStream implements RankedOrder {
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

  constructor(vectors: Float32Array, ids: Float64Array, query: Float32Array) {
    this.#vectors = vectors;
    this.#ids = ids;
    this.#query = query;
  }

  get position(): number {
    return this.#position;
  }

  get done(): boolean {
    return this.#position >= this.#ids.length;
  }

  /** Rows whose distance was computed, in full or until dropped. */
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

  /** The `count` nearest rows, nearest first, in one pass with early abandoning; their distances are kept by row. */
  #nearest(count: number): Int32Array {
    const rows = this.#ids.length;
    const vectors = this.#vectors;
    const query = this.#query;
    const heap = new RowMaxHeap(count);
    let limit = Infinity;
    for (let row = 0; row < rows; row += 1) {
      // Rows come in ascending order, so a later row that ties the farthest kept one ranks after it: strict `<`.
      const distance = partialDistance(vectors, row * DIMS, query, limit);
      if (distance >= limit) continue;
      limit = heap.keep(row, distance);
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

/**
 * `squaredDistance`, stopped after 8 or 16 dimensions once the sum exceeds `limit` (the sum so far is returned: a
 * lower bound, so the distance is then certainly above the limit). The same terms in the same order, so a sum
 * carried to the end is bit-identical to `squaredDistance`.
 */
export function partialDistance(a: Float32Array, offset: number, b: Float32Array, limit: number): number {
  // The first block written out: most rows stop here, and V8 then keeps all eight loads in flight.
  const x0 = a[offset]! - b[0]!;
  const x1 = a[offset + 1]! - b[1]!;
  const x2 = a[offset + 2]! - b[2]!;
  const x3 = a[offset + 3]! - b[3]!;
  const x4 = a[offset + 4]! - b[4]!;
  const x5 = a[offset + 5]! - b[5]!;
  const x6 = a[offset + 6]! - b[6]!;
  const x7 = a[offset + 7]! - b[7]!;
  let sum = x0 * x0;
  sum += x1 * x1;
  sum += x2 * x2;
  sum += x3 * x3;
  sum += x4 * x4;
  sum += x5 * x5;
  sum += x6 * x6;
  sum += x7 * x7;
  if (sum > limit) return sum;
  for (let d = 8; d < 16; d += 1) {
    const x = a[offset + d]! - b[d]!;
    sum += x * x;
  }
  if (sum > limit) return sum;
  for (let d = 16; d < 32; d += 1) {
    const x = a[offset + d]! - b[d]!;
    sum += x * x;
  }
  return sum;
}
