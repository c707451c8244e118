/**
 * Intrusive doubly linked lists over slot numbers. Every entry lives in one slot; the
 * links are one shared Int32Array, so moving an entry on a hit allocates nothing and
 * costs a few array writes. Several lists (window, probation, protected) share one
 * `SlotLinks`; an entry belongs to at most one list at a time. -1 means "none".
 */
export const NONE = -1;
/** Int32 words per slot: prev, next, one that belongs to the lists' owner (`OWNER`), and the slot's weight (a float32). */
export const STRIDE = 4;
const PREV = 0;
const NEXT = 1;
export const OWNER = 2;
const WEIGHT = 3;

/**
 * The record of every slot (links, owner word, weight), interleaved in one buffer (slot × STRIDE):
 * the four words share a cache line, so moving or evicting an entry touches one line per slot, not
 * one per array. Weights are kept as float32: exact up to 16 MiB, and above that rounded by at most
 * one part in 2^24; `setWeight` returns the stored value so that the owner's sums use it.
 */
export class SlotLinks {
  data: Int32Array;
  /** The same buffer as float32 words: the slots' weights. */
  private weights: Float32Array;

  constructor(slots: number) {
    this.data = SlotLinks.allocate(slots);
    this.weights = new Float32Array(this.data.buffer);
  }

  get slots(): number {
    return this.data.length / STRIDE;
  }

  weightOf(slot: number): number {
    return this.weights[slot * STRIDE + WEIGHT]!;
  }

  /** Stores a weight; returns it as stored (float32). */
  setWeight(slot: number, weight: number): number {
    const at = slot * STRIDE + WEIGHT;
    this.weights[at] = weight;
    return this.weights[at]!;
  }

  /** Makes room for more slots (amortised O(1): callers double). */
  grow(slots: number): void {
    if (slots <= this.slots) return;
    const data = SlotLinks.allocate(slots);
    data.set(this.data);
    this.data = data;
    this.weights = new Float32Array(data.buffer);
  }

  private static allocate(slots: number): Int32Array {
    const data = new Int32Array(slots * STRIDE);
    for (let i = 0; i < data.length; i += STRIDE) {
      data[i + PREV] = NONE;
      data[i + NEXT] = NONE;
    }
    return data;
  }
}

/** One list: least recently used at the head, most recently used at the tail. */
export class SlotList {
  head = NONE;
  tail = NONE;
  count = 0;
  /** Sum of the weights of the slots in the list (bytes, or 1 per entry when count-bounded). */
  weight = 0;

  constructor(private readonly links: SlotLinks) {}

  pushTail(slot: number, weight: number): void {
    const data = this.links.data;
    const at = slot * STRIDE;
    data[at + PREV] = this.tail;
    data[at + NEXT] = NONE;
    if (this.tail === NONE) this.head = slot;
    else data[this.tail * STRIDE + NEXT] = slot;
    this.tail = slot;
    this.count += 1;
    this.weight += weight;
  }

  remove(slot: number, weight: number): void {
    const data = this.links.data;
    const at = slot * STRIDE;
    const before = data[at + PREV]!;
    const after = data[at + NEXT]!;
    if (before === NONE) this.head = after;
    else data[before * STRIDE + NEXT] = after;
    if (after === NONE) this.tail = before;
    else data[after * STRIDE + PREV] = before;
    data[at + PREV] = NONE;
    data[at + NEXT] = NONE;
    this.count -= 1;
    this.weight -= weight;
  }

  /** A hit: the slot becomes the most recently used. */
  moveToTail(slot: number): void {
    const tail = this.tail;
    if (tail === slot) return;
    const data = this.links.data;
    const at = slot * STRIDE;
    const before = data[at + PREV]!;
    const after = data[at + NEXT]!;
    if (before === NONE) this.head = after;
    else data[before * STRIDE + NEXT] = after;
    data[after * STRIDE + PREV] = before; // `after` exists: slot is not the tail
    data[at + PREV] = tail;
    data[at + NEXT] = NONE;
    data[tail * STRIDE + NEXT] = slot;
    this.tail = slot;
  }

  /** The slot after `slot` toward the tail, or NONE. */
  nextOf(slot: number): number {
    return this.links.data[slot * STRIDE + NEXT]!;
  }

  /** The slot before `slot` toward the head, or NONE. */
  prevOf(slot: number): number {
    return this.links.data[slot * STRIDE + PREV]!;
  }

  clear(): void {
    this.head = NONE;
    this.tail = NONE;
    this.count = 0;
    this.weight = 0;
  }

  /** Slots from head to tail (for tests and diagnostics; allocates). */
  toArray(): number[] {
    const out: number[] = [];
    for (let slot = this.head; slot !== NONE; slot = this.nextOf(slot)) out.push(slot);
    return out;
  }
}
