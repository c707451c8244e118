/**
 * Intrusive doubly linked lists over slot numbers. Every entry lives in one slot; the
 * links are two shared Int32Arrays, so moving an entry on a hit allocates nothing and
 * costs a few array writes. Several lists (window, probation, protected) share one
 * `SlotLinks`; an entry belongs to at most one list at a time. -1 means "none".
 */
export const NONE = -1;

export class SlotLinks {
  prev: Int32Array;
  next: Int32Array;

  constructor(slots: number) {
    this.prev = new Int32Array(slots).fill(NONE);
    this.next = new Int32Array(slots).fill(NONE);
  }

  get slots(): number {
    return this.prev.length;
  }

  /** Makes room for more slots (amortised O(1): callers double). */
  grow(slots: number): void {
    if (slots <= this.prev.length) return;
    const prev = new Int32Array(slots).fill(NONE);
    const next = new Int32Array(slots).fill(NONE);
    prev.set(this.prev);
    next.set(this.next);
    this.prev = prev;
    this.next = next;
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
    const { prev, next } = this.links;
    prev[slot] = this.tail;
    next[slot] = NONE;
    if (this.tail === NONE) this.head = slot;
    else next[this.tail] = slot;
    this.tail = slot;
    this.count += 1;
    this.weight += weight;
  }

  remove(slot: number, weight: number): void {
    const { prev, next } = this.links;
    const before = prev[slot]!;
    const after = next[slot]!;
    if (before === NONE) this.head = after;
    else next[before] = after;
    if (after === NONE) this.tail = before;
    else prev[after] = before;
    prev[slot] = NONE;
    next[slot] = NONE;
    this.count -= 1;
    this.weight -= weight;
  }

  /** A hit: the slot becomes the most recently used. */
  moveToTail(slot: number): void {
    if (this.tail === slot) return;
    const { prev, next } = this.links;
    const before = prev[slot]!;
    const after = next[slot]!;
    if (before === NONE) this.head = after;
    else next[before] = after;
    prev[after] = before; // `after` exists: slot is not the tail
    prev[slot] = this.tail;
    next[slot] = NONE;
    next[this.tail] = slot;
    this.tail = slot;
  }

  /** The slot after `slot` toward the tail, or NONE. */
  nextOf(slot: number): number {
    return this.links.next[slot]!;
  }

  /** The slot before `slot` toward the head, or NONE. */
  prevOf(slot: number): number {
    return this.links.prev[slot]!;
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
    for (let slot = this.head; slot !== NONE; slot = this.links.next[slot]!) out.push(slot);
    return out;
  }
}
