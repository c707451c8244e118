/**
 * The FIFO-based reference policies, count-bounded, for the trace simulator: SIEVE (Zhang et al.,
 * NSDI 2024) and S3-FIFO (Yang et al., SOSP 2023). A hit only marks the entry; nothing moves until
 * the entry reaches the end of its queue. Written for clarity (Maps, arrays of keys), not speed:
 * they only run in benchmarks, as peers of the L1.
 */
import type { SimPolicy } from './policies.ts';

/** A FIFO of keys with O(1) removal anywhere: a Map keeps insertion order, `shift` takes the oldest. */
class KeyQueue<T> {
  readonly items = new Map<number, T>();

  get size(): number {
    return this.items.size;
  }

  push(key: number, value: T): void {
    this.items.set(key, value);
  }

  /** The oldest key, or undefined when empty. */
  oldest(): number | undefined {
    for (const key of this.items.keys()) return key;
    return undefined;
  }
}

/**
 * SIEVE: one queue, newest at the head; a visited bit per entry. The hand walks from the oldest
 * entry toward the newest, clearing visited bits, and evicts the first unvisited entry; it stays
 * where it stopped, so survivors are not re-scanned before newer entries are.
 */
export class SievePolicy implements SimPolicy {
  readonly name = 'SIEVE';
  private readonly slots = new Map<number, number>();
  /** Per slot: key, visited bit, and links (`newer` toward the head, `older` toward the tail). */
  private keys: number[] = [];
  private visited: boolean[] = [];
  private newer: number[] = [];
  private older: number[] = [];
  private free: number[] = [];
  private head = -1; // newest
  private tail = -1; // oldest
  private hand = -1;

  constructor(private readonly capacity: number) {}

  access(key: number): boolean {
    const slot = this.slots.get(key);
    if (slot !== undefined) {
      this.visited[slot] = true;
      return true;
    }
    if (this.capacity <= 0) return false;
    if (this.slots.size >= this.capacity) this.evict();
    const fresh = this.free.pop() ?? this.keys.length;
    this.keys[fresh] = key;
    this.visited[fresh] = false;
    this.older[fresh] = this.head;
    this.newer[fresh] = -1;
    if (this.head !== -1) this.newer[this.head] = fresh;
    this.head = fresh;
    if (this.tail === -1) this.tail = fresh;
    this.slots.set(key, fresh);
    return false;
  }

  private evict(): void {
    let slot = this.hand === -1 ? this.tail : this.hand;
    while (this.visited[slot]) {
      this.visited[slot] = false;
      slot = this.newer[slot] === -1 ? this.tail : this.newer[slot]!;
    }
    this.hand = this.newer[slot]!;
    const before = this.older[slot]!;
    const after = this.newer[slot]!;
    if (before === -1) this.tail = after;
    else this.newer[before] = after;
    if (after === -1) this.head = before;
    else this.older[after] = before;
    this.slots.delete(this.keys[slot]!);
    this.free.push(slot);
  }
}

/** S3-FIFO's share of the small queue, and the most hits an entry remembers (a 2-bit counter). */
const SMALL_SHARE = 0.1;
const MAX_FREQUENCY = 3;
/** Hits in the small queue that earn a place in the main queue ("2 hits", as in the paper). */
const PROMOTE_AFTER = 2;

/**
 * S3-FIFO: new keys enter a small FIFO; one that leaves it with PROMOTE_AFTER hits moves to the main
 * FIFO, otherwise its key goes to a ghost FIFO (as many keys as main holds). A missed key found in
 * the ghost goes straight to main. Main reinserts an entry that was hit since it last passed
 * (its counter decremented) and evicts one that was not.
 */
export class S3FifoPolicy implements SimPolicy {
  readonly name = 'S3-FIFO';
  private readonly small = new KeyQueue<number>();
  private readonly main = new KeyQueue<number>();
  private readonly ghost = new KeyQueue<true>();
  private readonly smallCapacity: number;
  private readonly mainCapacity: number;

  constructor(private readonly capacity: number) {
    this.smallCapacity = Math.max(1, Math.floor(SMALL_SHARE * capacity));
    this.mainCapacity = Math.max(1, capacity - this.smallCapacity);
  }

  access(key: number): boolean {
    const inSmall = this.small.items.get(key);
    if (inSmall !== undefined) {
      this.small.items.set(key, Math.min(MAX_FREQUENCY, inSmall + 1));
      return true;
    }
    const inMain = this.main.items.get(key);
    if (inMain !== undefined) {
      this.main.items.set(key, Math.min(MAX_FREQUENCY, inMain + 1));
      return true;
    }
    if (this.capacity <= 0) return false;
    while (this.small.size + this.main.size >= this.capacity) this.evict();
    if (this.ghost.items.delete(key)) this.main.push(key, 0);
    else this.small.push(key, 0);
    return false;
  }

  private evict(): void {
    if (this.small.size >= this.smallCapacity || this.main.size === 0) this.evictSmall();
    else this.evictMain();
  }

  private evictSmall(): void {
    while (this.small.size > 0) {
      const key = this.small.oldest()!;
      const frequency = this.small.items.get(key)!;
      this.small.items.delete(key);
      if (frequency >= PROMOTE_AFTER) {
        this.main.push(key, 0);
        if (this.main.size <= this.mainCapacity) continue;
        this.evictMain(); // main made the room instead
        return;
      }
      this.ghost.push(key, true);
      if (this.ghost.size > this.mainCapacity) this.ghost.items.delete(this.ghost.oldest()!);
      return;
    }
  }

  private evictMain(): void {
    for (;;) {
      const key = this.main.oldest();
      if (key === undefined) return;
      const frequency = this.main.items.get(key)!;
      this.main.items.delete(key);
      if (frequency === 0) return;
      this.main.push(key, frequency - 1);
    }
  }
}
