/**
 * The keys that may be in L1, for prefix invalidation: L1Cache has no key iteration (its slots are
 * private) and evicts silently. So this set can hold keys L1 has since evicted; `prune` drops them
 * (asking `isPresent`) whenever the set has grown to twice the live count, which keeps it O(live
 * entries) in memory at O(1) amortised per insert.
 */
export class L1KeyIndex {
  private readonly keys = new Set<string>();

  constructor(
    private readonly isPresent: (key: string) => boolean,
    private readonly liveCount: () => number,
  ) {}

  add(key: string): void {
    this.keys.add(key);
    if (this.keys.size > 2 * this.liveCount() + 64) this.prune();
  }

  remove(key: string): void {
    this.keys.delete(key);
  }

  /** Removes and returns the indexed keys starting with prefix. */
  takePrefix(prefix: string): string[] {
    const taken: string[] = [];
    for (const key of this.keys) {
      if (key.startsWith(prefix)) {
        taken.push(key);
        this.keys.delete(key);
      }
    }
    return taken;
  }

  clear(): void {
    this.keys.clear();
  }

  private prune(): void {
    for (const key of this.keys) if (!this.isPresent(key)) this.keys.delete(key);
  }
}
