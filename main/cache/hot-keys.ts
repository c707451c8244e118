import { hashKey } from './l1/frequency-sketch.ts';

export interface HotKey<R> {
  key: string;
  /** Recent accesses, decayed: halved every time `capacity` new keys have come in, so old popularity fades. */
  count: number;
  /** What it takes to load the key again (for warming): e.g. the template and its parameters. */
  recipe: R;
}

interface Tracked<R> extends HotKey<R> {
  /** The decay epoch `count` is expressed in; older counts are halved once per epoch since, when next touched. */
  epoch: number;
}

/**
 * Shards of the table, each pruned on its own. A prune runs inside the request that filled its shard, and one
 * over the whole table (100,000 entries in the engine) held the event loop for 30 to 50 ms at 10,000 requests/s
 * (CPU profiles of `hotpath serve --rate 10000`): the entries are scattered objects, so walking them costs more
 * than sorting them. A shard holds a sixteenth of the table, and the shards fill, and prune, at different moments.
 */
const SHARDS = 16;

/**
 * The keys recent traffic asked for most, with how to load each: what "warm the cache" loads after a flush
 * or a restart. Counting is one Map update per access. Every `capacity` new keys all counts halve (an epoch
 * passes; each count catches up when next read), so the ranking follows the last few capacity-worths of traffic
 * rather than all of history. Keys are spread over shards by hash; a shard that reaches twice its share of the
 * capacity keeps its share of most counted keys. The decay is global, not per shard, so counts in different
 * shards compare as they would in one table.
 */
export class HotKeys<R> {
  private readonly shards: Map<string, Tracked<R>>[];
  /** Keys each shard keeps at a prune. */
  private readonly share: number;
  private epoch = 0;
  /** New keys since the last epoch began. */
  private newKeys = 0;

  constructor(private readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError('capacity must be an integer > 0');
    const shards = Math.min(SHARDS, capacity);
    this.share = Math.ceil(capacity / shards);
    this.shards = Array.from({ length: shards }, () => new Map<string, Tracked<R>>());
  }

  /** `recipe` is called only for a key not in the table: a repeat costs a hash, one Map lookup and no allocation. */
  record(key: string, recipe: () => R): void {
    const shard = this.shards[(hashKey(key) >>> 0) % this.shards.length]!;
    const found = shard.get(key);
    if (found !== undefined) {
      this.decay(found);
      found.count += 1;
      return;
    }
    shard.set(key, { key, count: 1, recipe: recipe(), epoch: this.epoch });
    if (++this.newKeys >= this.capacity) {
      this.epoch += 1;
      this.newKeys = 0;
    }
    if (shard.size >= 2 * this.share) this.prune(shard);
  }

  /** The `n` most counted keys, hottest first. */
  top(n: number): HotKey<R>[] {
    const all: Tracked<R>[] = [];
    for (const shard of this.shards) for (const entry of shard.values()) all.push(this.decay(entry));
    return all
      .sort((a, b) => b.count - a.count)
      .slice(0, n)
      .map(({ key, count, recipe }) => ({ key, count, recipe }));
  }

  get size(): number {
    let size = 0;
    for (const shard of this.shards) size += shard.size;
    return size;
  }

  clear(): void {
    for (const shard of this.shards) shard.clear();
  }

  /** Brings the count to the current epoch: halved once per epoch passed, never below 1. */
  private decay(entry: Tracked<R>): Tracked<R> {
    const passed = this.epoch - entry.epoch;
    if (passed > 0) {
      entry.count = passed >= 31 ? 1 : Math.max(1, entry.count >>> passed);
      entry.epoch = this.epoch;
    }
    return entry;
  }

  private prune(shard: Map<string, Tracked<R>>): void {
    const kept = [...shard.values()]
      .map((entry) => this.decay(entry))
      .sort((a, b) => b.count - a.count)
      .slice(0, this.share);
    shard.clear();
    for (const entry of kept) shard.set(entry.key, entry);
  }
}
