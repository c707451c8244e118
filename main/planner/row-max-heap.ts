/**
 * A fixed-capacity max-heap of rows ordered by (distance, row), the distances read from a shared array: its top is
 * the farthest row kept, so "the k nearest so far" costs O(log k) per row that gets in and one comparison per row
 * that does not.
 */
export class RowMaxHeap {
  readonly #heap: Int32Array;
  readonly #distances: Float64Array;
  #size = 0;

  constructor(capacity: number, distances: Float64Array) {
    if (!(capacity >= 1)) throw new RangeError(`A heap of rows needs room for at least one; got ${capacity}.`);
    this.#heap = new Int32Array(capacity);
    this.#distances = distances;
  }

  get full(): boolean {
    return this.#size === this.#heap.length;
  }

  /** Whether (distance, row) ranks before the top, i.e. would be kept (always while not full). */
  accepts(distance: number, row: number): boolean {
    if (!this.full) return true;
    const top = this.#heap[0]!;
    const farthest = this.#distances[top]!;
    return distance < farthest || (distance === farthest && row < top);
  }

  /** Adds a row (its distance already in the distances array) that `accepts`; when full, the top leaves. */
  push(row: number): void {
    const heap = this.#heap;
    if (this.full) {
      heap[0] = row;
      this.#siftDown(0);
      return;
    }
    let i = this.#size;
    this.#size += 1;
    heap[i] = row;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#after(heap[i]!, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      heap[parent] = row;
      i = parent;
    }
  }

  /** `push`es the row, then returns the distance a later row must beat: the top's once full, Infinity before. */
  keep(row: number): number {
    this.push(row);
    return this.full ? this.#distances[this.#heap[0]!]! : Infinity;
  }

  rows(): Int32Array {
    return this.#heap.slice(0, this.#size);
  }

  /** True when row `a` ranks after row `b`: larger distance, then larger row. */
  #after(a: number, b: number): boolean {
    const da = this.#distances[a]!;
    const db = this.#distances[b]!;
    return da > db || (da === db && a > b);
  }

  #siftDown(start: number): void {
    const heap = this.#heap;
    const size = this.#size;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) return;
      const right = left + 1;
      const child = right < size && this.#after(heap[right]!, heap[left]!) ? right : left;
      if (!this.#after(heap[child]!, heap[i]!)) return;
      const t = heap[i]!;
      heap[i] = heap[child]!;
      heap[child] = t;
      i = child;
    }
  }
}
