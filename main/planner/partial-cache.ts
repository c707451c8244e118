import { LRUCache } from 'lru-cache';
import type { PlanPartials } from './plan-context.ts';
import type { GraphAnchor, HybridFilters, IdArray, PartialCacheFacts } from './planner-types.ts';

export type { IdArray };

export const DEFAULT_PARTIAL_CACHE_BYTES = 64 * 1024 * 1024;
/** Exact sizes are tiny (a key and a number): remembering many lets features use exact counts for common keys. */
const KNOWN_SIZES = 10_000;
/** A rough charge for the key and the cache's own bookkeeping per entry, so many tiny sets cannot overrun the bound. */
const ENTRY_OVERHEAD_BYTES = 64;

export interface PartialCacheOptions {
  /** Upper bound on the bytes of the cached id arrays (plus a small per-entry charge); default 64 MiB. */
  maxBytes?: number;
}

export interface PartialCacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
}

/** A cache key: a number for a neighbourhood, a string (starting `f:`) for a filter set. */
export type PartialKey = number | string;

/** Ids up to here leave room for the depth in a safe integer key. */
const NUMERIC_ANCHOR_MAX = Math.floor(Number.MAX_SAFE_INTEGER / 4);

/**
 * A number (4·chunkId + depth): looked up twice per query by the features and again by the plan, and a number
 * key is neither built nor hashed as a string. Ids too large for that (never in practice) get a string key.
 */
export function neighbourhoodKey(anchor: GraphAnchor): PartialKey {
  return anchor.chunkId <= NUMERIC_ANCHOR_MAX ? anchor.chunkId * 4 + anchor.depth : `n:${anchor.chunkId}:${anchor.depth}`;
}

/**
 * Filters that select the same chunks give the same key: lists sorted and deduplicated, times as epoch
 * milliseconds (the precision `timestamptz` parameters travel with).
 */
export function filterKey(filters: HybridFilters): string {
  // Asked several times per query for one filters object (features, then the plan's get and set), in a row.
  if (filters !== lastFilters) {
    lastKey = computeFilterKey(filters);
    lastFilters = filters;
  }
  return lastKey;
}

/*
 * A one-entry memo rather than a WeakMap: the asks for one query come together, and on the request path (right
 * after a plan's pass over the store, with the CPU caches cold) a WeakMap insertion and JSON.stringify cost tens of
 * µs per query.
 */
let lastFilters: HybridFilters | null = null;
let lastKey = '';

/** Each value as `length:value`, so no value can be mistaken for a separator; sorted and deduplicated when several. */
function listKey(values: readonly string[] | undefined): string {
  if (values === undefined) return '*';
  const list = values.length === 1 ? values : [...new Set(values)].sort();
  let key = '';
  for (const value of list) key += `${value.length}:${value}`;
  return key;
}

function timeKey(value: Date | undefined): string {
  return value === undefined ? '*' : String(value.getTime());
}

function computeFilterKey(filters: HybridFilters): string {
  return `f:${listKey(filters.origins)}|${listKey(filters.kinds)}|${timeKey(filters.since)}|${timeKey(filters.until)}`;
}

/** The ids in the narrowest typed array that holds them exactly (ascending order kept). */
export function compactIds(ids: ArrayLike<number>): IdArray {
  let fits = true;
  for (let i = 0; i < ids.length && fits; i += 1) {
    const id = ids[i]!;
    fits = id >= -0x80000000 && id <= 0x7fffffff;
  }
  return fits ? Int32Array.from(ids) : Float64Array.from(ids);
}

/**
 * The partial cache: neighbourhoods (by anchor and depth) and filter sets (by normalised filters) computed by
 * earlier queries, so a plan can skip the walk or the pass over the filter columns that produced them. Byte-bounded LRU (`lru-cache`). Holds what the
 * table held when the sets were computed: the engine clears it when it reloads the vector store (the demo table
 * is append-only, and a reload is exactly when it changed).
 */
export class PartialCache implements PartialCacheFacts, PlanPartials {
  readonly maxBytes: number;
  readonly #sets: LRUCache<PartialKey, IdArray>;
  readonly #knownSizes = new LRUCache<PartialKey, number>({ max: KNOWN_SIZES });
  #hits = 0;
  #misses = 0;

  constructor(options: PartialCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? DEFAULT_PARTIAL_CACHE_BYTES;
    if (!Number.isSafeInteger(this.maxBytes) || this.maxBytes < 1) {
      throw new RangeError(`The partial cache's maxBytes must be a positive integer (bytes); got ${options.maxBytes}.`);
    }
    this.#sets = new LRUCache<PartialKey, IdArray>({
      maxSize: this.maxBytes,
      // A set larger than the whole bound is not stored (lru-cache refuses it) rather than evicting everything.
      sizeCalculation: (value, key) => value.byteLength + (typeof key === 'number' ? 8 : key.length * 2) + ENTRY_OVERHEAD_BYTES,
    });
  }

  /** The cached set itself, shared with later readers: treat it as read-only. */
  getNeighbourhood(anchor: GraphAnchor): IdArray | undefined {
    return this.#get(neighbourhoodKey(anchor));
  }

  setNeighbourhood(anchor: GraphAnchor, ids: ArrayLike<number>): void {
    this.#set(neighbourhoodKey(anchor), ids);
  }

  getFilterSet(filters: HybridFilters): IdArray | undefined {
    return this.#get(filterKey(filters));
  }

  setFilterSet(filters: HybridFilters, ids: ArrayLike<number>): void {
    this.#set(filterKey(filters), ids);
  }

  /** Remembers an exact size without caching the set (e.g. while plans are measured side by side). */
  recordNeighbourhoodSize(anchor: GraphAnchor, size: number): void {
    this.#knownSizes.set(neighbourhoodKey(anchor), size);
  }

  recordFilterSetSize(filters: HybridFilters, size: number): void {
    this.#knownSizes.set(filterKey(filters), size);
  }

  // `has` does not refresh recency, so the selector's look at the cache does not keep entries alive.
  hasNeighbourhood(anchor: GraphAnchor): boolean {
    return this.#sets.has(neighbourhoodKey(anchor));
  }

  hasFilterSet(filters: HybridFilters): boolean {
    return this.#sets.has(filterKey(filters));
  }

  knownNeighbourhoodSize(anchor: GraphAnchor): number | undefined {
    return this.#knownSizes.get(neighbourhoodKey(anchor));
  }

  knownFilterSetSize(filters: HybridFilters): number | undefined {
    return this.#knownSizes.get(filterKey(filters));
  }

  /** Drops every set and every remembered size (the table changed) and resets the counters. */
  clear(): void {
    this.#sets.clear();
    this.#knownSizes.clear();
    this.#hits = 0;
    this.#misses = 0;
  }

  stats(): PartialCacheStats {
    return { entries: this.#sets.size, bytes: this.#sets.calculatedSize, hits: this.#hits, misses: this.#misses };
  }

  #get(key: PartialKey): IdArray | undefined {
    const value = this.#sets.get(key);
    if (value === undefined) this.#misses += 1;
    else this.#hits += 1;
    return value;
  }

  #set(key: PartialKey, ids: ArrayLike<number>): void {
    const value = compactIds(ids);
    this.#knownSizes.set(key, value.length);
    this.#sets.set(key, value);
  }
}
