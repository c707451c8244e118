/**
 * Belady's OPT: on a miss, evict the resident key whose next use is furthest in the future
 * (and do not admit the new key at all if its own next use is further still). It needs the
 * whole trace in advance, so it is a ceiling to compare with, never a policy to run.
 * Count-bounded it is optimal; with sizes the same rule is only a strong heuristic (exact
 * optimal caching of variable-size objects is NP-hard), so it is labelled as such.
 */
import type { Trace } from './trace-reader.ts';

/** For each request, the index of the next request of the same key (Infinity if none). */
export function nextUses(keys: Float64Array): Float64Array {
  const next = new Float64Array(keys.length);
  const seen = new Map<number, number>();
  for (let i = keys.length - 1; i >= 0; i -= 1) {
    const key = keys[i]!;
    next[i] = seen.get(key) ?? Infinity;
    seen.set(key, i);
  }
  return next;
}

/** Hits of Belady's policy on the trace with this capacity (entries, or bytes if `weighted`). */
export function beladyHits(trace: Trace, maximum: number, weighted = false): number {
  const next = nextUses(trace.keys);
  const resident = new Map<number, number>(); // key → its next use
  const heap = new MaxHeap();
  let weight = 0;
  let hits = 0;
  const sizeOf = (i: number) => (weighted ? trace.sizes[i]! : 1);
  const sizes = new Map<number, number>();
  for (let i = 0; i < trace.length; i += 1) {
    const key = trace.keys[i]!;
    const nextUse = next[i]!;
    if (resident.has(key)) {
      hits += 1;
      resident.set(key, nextUse);
      heap.push(nextUse, key);
      continue;
    }
    const size = sizeOf(i);
    if (nextUse === Infinity || size > maximum) continue; // never needed again: bypass
    while (weight + size > maximum) {
      const top = heap.peekPriority();
      // Bypass if the newcomer is needed later than every resident key.
      if (top <= nextUse) break;
      const victim = heap.pop();
      if (resident.get(victim) !== top) continue; // stale heap entry
      resident.delete(victim);
      weight -= sizes.get(victim)!;
      sizes.delete(victim);
    }
    if (weight + size > maximum) continue;
    resident.set(key, nextUse);
    sizes.set(key, size);
    weight += size;
    heap.push(nextUse, key);
  }
  return hits;
}

/** A binary max-heap of (priority, key) pairs; stale pairs are skipped by the caller. */
class MaxHeap {
  private priorities: number[] = [];
  private keys: number[] = [];

  push(priority: number, key: number): void {
    const p = this.priorities;
    const k = this.keys;
    let i = p.length;
    p.push(priority);
    k.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (p[parent]! >= priority) break;
      p[i] = p[parent]!;
      k[i] = k[parent]!;
      i = parent;
    }
    p[i] = priority;
    k[i] = key;
  }

  peekPriority(): number {
    return this.priorities[0] ?? -Infinity;
  }

  pop(): number {
    const p = this.priorities;
    const k = this.keys;
    const top = k[0]!;
    const lastPriority = p.pop()!;
    const lastKey = k.pop()!;
    if (p.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= p.length) break;
      const right = left + 1;
      const child = right < p.length && p[right]! > p[left]! ? right : left;
      if (p[child]! <= lastPriority) break;
      p[i] = p[child]!;
      k[i] = k[child]!;
      i = child;
    }
    p[i] = lastPriority;
    k[i] = lastKey;
    return top;
  }
}
