export interface HotKey<R> {
  key: string;
  /** Recent accesses, decayed: halved at every prune, so old popularity fades. */
  count: number;
  /** What it takes to load the key again (for warming): e.g. the template and its parameters. */
  recipe: R;
}

/**
 * The keys recent traffic asked for most, with how to load each: what "warm the cache" loads after a flush
 * or a restart. Counting is one Map update per access; when the table reaches twice its capacity it keeps
 * the `capacity` most counted keys and halves their counts (amortised O(log n) per access), so the ranking
 * follows the last few capacity-worths of traffic rather than all of history.
 */
export class HotKeys<R> {
  private readonly entries = new Map<string, HotKey<R>>();

  constructor(private readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError('capacity must be an integer > 0');
  }

  /** `recipe` is called only for a key not in the table: a repeat costs one Map lookup and no allocation. */
  record(key: string, recipe: () => R): void {
    const found = this.entries.get(key);
    if (found !== undefined) {
      found.count += 1;
      return;
    }
    this.entries.set(key, { key, count: 1, recipe: recipe() });
    if (this.entries.size >= 2 * this.capacity) this.prune();
  }

  /** The `n` most counted keys, hottest first. */
  top(n: number): HotKey<R>[] {
    return [...this.entries.values()].sort((a, b) => b.count - a.count).slice(0, n);
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }

  private prune(): void {
    const kept = this.top(this.capacity);
    this.entries.clear();
    for (const entry of kept) {
      entry.count = Math.max(1, Math.floor(entry.count / 2));
      this.entries.set(entry.key, entry);
    }
  }
}
