import { selectNth } from '../util/select-nth.ts';
import { hashKey } from './l1/frequency-sketch.ts';

export interface HotKey<R> {
  key: string;
  /** Recent accesses, decayed: halved every time `capacity` new keys have come in, so old popularity fades. */
  count: number;
  /** What it takes to load the key again (for warming): e.g. the template and its parameters. */
  recipe: R;
}

/**
 * An entry is one small integer in its shard's Map, `epoch << COUNT_BITS | count`: no object per key. The table
 * holds up to twice its capacity of keys, and an object per key (with its recipe and its parameters' array) was a
 * good part of what every full collection of the engine's heap had to mark (ARCHITECTURE.md, "Hot keys"); entries
 * dropped at prunes were old-generation garbage. The value stays below 2^30, a small integer to V8 (a larger
 * number would be a heap object per update).
 */
const COUNT_BITS = 22;
const COUNT_MAX = (1 << COUNT_BITS) - 1;
/** Epochs are kept modulo 256: every prune brings its shard's entries to the current epoch, so none lags that far. */
const EPOCH_MASK = 0xff;

function pack(epoch: number, count: number): number {
  return ((epoch & EPOCH_MASK) << COUNT_BITS) | Math.min(count, COUNT_MAX);
}

/**
 * Shards of the table, each pruned on its own. A prune runs inside the request that filled its shard, and one
 * over the whole table (100,000 entries in the engine) held the event loop for 30 to 50 ms at 10,000 requests/s
 * (CPU profiles of `hotpath serve --rate 10000`, when entries were objects and a prune sorted them). A shard holds a
 * sixteenth of the table, and the shards fill, and prune, at different moments.
 */
const SHARDS = 16;

/**
 * The keys recent traffic asked for most: what "warm the cache" loads after a flush or a restart. Counting is one
 * Map update per access and allocates nothing. Every `capacity` new keys all counts halve (an epoch passes; each
 * count catches up when next read), so the ranking follows the last few capacity-worths of traffic rather than all
 * of history. Keys are spread over shards by hash; a shard that reaches twice its share of the capacity keeps its
 * share of most counted keys. The decay is global, not per shard, so counts in different shards compare as they
 * would in one table. How to load a key again is not stored: `recipeOf` derives it from the key when `top` is
 * asked (a key that no longer has one, e.g. of a template since removed, is left out).
 */
export class HotKeys<R> {
  private readonly shards: Map<string, number>[];
  /** Keys each shard keeps at a prune. */
  private readonly share: number;
  private epoch = 0;
  /** Scratch for `prune`, reused: each entry's negated count (by Map position), the positions, the kept ones. */
  private keys = new Float64Array(0);
  private order = new Int32Array(0);
  private kept = new Uint8Array(0);
  /** New keys since the last epoch began. */
  private newKeys = 0;

  constructor(
    private readonly capacity: number,
    private readonly recipeOf: (key: string) => R | undefined,
  ) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError('capacity must be an integer > 0');
    const shards = Math.min(SHARDS, capacity);
    this.share = Math.ceil(capacity / shards);
    this.shards = Array.from({ length: shards }, () => new Map<string, number>());
  }

  /** One hash and one Map update; allocates nothing for a key already in the table. */
  record(key: string): void {
    const shard = this.shards[(hashKey(key) >>> 0) % this.shards.length]!;
    const found = shard.get(key);
    if (found !== undefined) {
      shard.set(key, pack(this.epoch, this.decayed(found) + 1));
      return;
    }
    shard.set(key, pack(this.epoch, 1));
    if (++this.newKeys >= this.capacity) {
      this.epoch += 1;
      this.newKeys = 0;
    }
    if (shard.size >= 2 * this.share) this.prune(shard);
  }

  /** The `n` most counted keys that still have a recipe, hottest first. */
  top(n: number): HotKey<R>[] {
    const all: { key: string; count: number }[] = [];
    for (const shard of this.shards) for (const [key, entry] of shard) all.push({ key, count: this.decayed(entry) });
    all.sort((a, b) => b.count - a.count);
    const hot: HotKey<R>[] = [];
    for (const { key, count } of all) {
      if (hot.length >= n) break;
      const recipe = this.recipeOf(key);
      if (recipe !== undefined) hot.push({ key, count, recipe });
    }
    return hot;
  }

  get size(): number {
    let size = 0;
    for (const shard of this.shards) size += shard.size;
    return size;
  }

  clear(): void {
    for (const shard of this.shards) shard.clear();
  }

  /** The entry's count in the current epoch: halved once per epoch passed, never below 1. */
  private decayed(entry: number): number {
    const count = entry & COUNT_MAX;
    const passed = (this.epoch - (entry >>> COUNT_BITS)) & EPOCH_MASK;
    if (passed === 0) return count;
    return passed >= 31 ? 1 : Math.max(1, count >>> passed);
  }

  /**
   * Keeps the shard's `share` most counted keys (ties: the earlier recorded), as a stable sort would, but in place:
   * a selection (`selectNth`) over reused arrays, then one pass that drops the rest. Sorting a copy of the shard took
   * 10–20 ms of the engine's thread at a time at 10,000 requests/s (CPU profile of `hotpath serve`) and left an
   * object per entry to collect.
   */
  private prune(shard: Map<string, number>): void {
    const size = shard.size;
    if (this.order.length < size) {
      this.keys = new Float64Array(size);
      this.order = new Int32Array(size);
      this.kept = new Uint8Array(size);
    }
    let position = 0;
    for (const entry of shard.values()) {
      this.keys[position] = -this.decayed(entry);
      this.order[position] = position;
      this.kept[position] = 0;
      position += 1;
    }
    selectNth(this.order, this.keys, this.share - 1, 0, size - 1);
    for (let i = 0; i < this.share; i += 1) this.kept[this.order[i]!] = 1;
    position = 0;
    shard.forEach((_entry, key) => {
      const at = position++;
      if (this.kept[at] === 1) shard.set(key, pack(this.epoch, -this.keys[at]!));
      else shard.delete(key);
    });
  }
}
