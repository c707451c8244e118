/**
 * A fixed-capacity max-heap of (distance, row) pairs: its top is the farthest row kept, so "the k nearest so far"
 * costs O(log k) per row that gets in and one comparison per row that does not. It keeps the distances itself, so a
 * top-k over the whole store allocates k slots rather than a distance per row (that array, 8 bytes a row of the
 * store for every query, kept the selector's thread collecting garbage).
 */
export class RowMaxHeap {
  readonly #rows: Int32Array;
  readonly #distances: Float64Array;
  #size = 0;

  constructor(capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`A heap of rows needs room for at least one; got ${capacity}.`);
    this.#rows = new Int32Array(capacity);
    this.#distances = new Float64Array(capacity);
  }

  get full(): boolean {
    return this.#size === this.#rows.length;
  }

  /** The distance a later row must beat: the top's once full, Infinity before. */
  get limit(): number {
    return this.full ? this.#distances[0]! : Infinity;
  }

  /** Whether (distance, row) ranks before the top, i.e. would be kept (always while not full). */
  accepts(distance: number, row: number): boolean {
    if (!this.full) return true;
    const farthest = this.#distances[0]!;
    return distance < farthest || (distance === farthest && row < this.#rows[0]!);
  }

  /** Adds a pair that `accepts`; when full, the top leaves. Returns the new `limit`. */
  keep(row: number, distance: number): number {
    if (this.full) {
      this.#rows[0] = row;
      this.#distances[0] = distance;
      this.#siftDown();
      return this.#distances[0]!;
    }
    let i = this.#size;
    this.#size += 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#after(distance, row, parent)) break;
      this.#rows[i] = this.#rows[parent]!;
      this.#distances[i] = this.#distances[parent]!;
      i = parent;
    }
    this.#rows[i] = row;
    this.#distances[i] = distance;
    return this.limit;
  }

  /** The pairs kept, nearest first: rows, and their distances at the same positions. */
  sorted(): { rows: Int32Array; distances: Float64Array } {
    const order = Array.from({ length: this.#size }, (_, i) => i);
    order.sort((a, b) => this.#distances[a]! - this.#distances[b]! || this.#rows[a]! - this.#rows[b]!);
    return { rows: Int32Array.from(order, (i) => this.#rows[i]!), distances: Float64Array.from(order, (i) => this.#distances[i]!) };
  }

  /** True when (distance, row) ranks after the pair at slot `i`: larger distance, then larger row. */
  #after(distance: number, row: number, i: number): boolean {
    return beyond(distance, row, this.#distances[i]!, this.#rows[i]!);
  }

  /** Moves the pair at the top down to its place (the hole method: children move up, the pair is written once). */
  #siftDown(): void {
    const rows = this.#rows;
    const distances = this.#distances;
    const size = this.#size;
    const row = rows[0]!;
    const distance = distances[0]!;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && this.#after(distances[right]!, rows[right]!, left) ? right : left;
      if (!beyond(distances[child]!, rows[child]!, distance, row)) break;
      rows[i] = rows[child]!;
      distances[i] = distances[child]!;
      i = child;
    }
    rows[i] = row;
    distances[i] = distance;
  }
}

/** True when (distance, row) ranks after (otherDistance, otherRow). */
function beyond(distance: number, row: number, otherDistance: number, otherRow: number): boolean {
  return distance > otherDistance || (distance === otherDistance && row > otherRow);
}
