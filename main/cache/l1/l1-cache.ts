/**
 * The L1 cache: in-process, byte-bounded, per-entry TTL, decoded values (never serialised,
 * so a hit costs no decoding), W-TinyLFU eviction with an adaptive window (see
 * `w-tinylfu-policy.ts`). Entries live in numbered slots so the policy's lists are typed
 * arrays: a hit is one map lookup plus one write to the slot's flags byte and allocates nothing
 * (no hashing, no sketch access, no list move: the policy sets a visited bit and counts the hit
 * there, and moves entries only when they reach the head of their queue). A `set` right after
 * its own miss (read-through) reuses the miss's hash and skips the second map lookup. Without
 * any TTL in the cache, neither path reads the clock or the expiry times.
 * Expiry is lazy on access; expired entries are also evicted before live ones, reclaimed by
 * a small sweep on every write (two slots per write, like Redis's active expiry), and all
 * at once by `purgeExpired()`.
 */
import { seededRandom } from '../../util/random.ts';
import { hashKey } from './frequency-sketch.ts';
import { estimateSize } from './size-estimate.ts';
import { WTinyLfuPolicy } from './w-tinylfu-policy.ts';

export interface L1Options<K, V> {
  /** The byte budget; also the entry budget when every entry weighs 1. */
  maxBytes: number;
  /** Default time to live in ms; Infinity (default) means no expiry. */
  ttlMs?: number;
  /** Size of an entry when `set` is not told; default: a rough estimate. */
  sizeOf?: (key: K, value: V) => number;
  /** Milliseconds; injectable for tests. Default `Date.now`. */
  clock?: () => number;
  /** Hill climbing of the window (default true); false = the fixed window of Caffeine 2.x. */
  adaptive?: boolean;
  /** Initial window share, default 0.01. */
  windowPercent?: number;
  /** Entries the frequency sketch is sized for at first (it grows with the entry count). */
  expectedEntries?: number;
  /** Seed of the random admission, for reproducible runs. */
  seed?: number;
  /**
   * Which hash of a family the keys get (default 0). Benchmarks run several, to tell a policy's merit
   * from the luck of which keys collide in its sketch.
   */
  hashSeed?: number;
  /** Reorder on every hit, as published W-TinyLFU does (the benchmark's peer); default: lazily, a hit only sets a bit. */
  eagerPromotion?: boolean;
}

export interface SetOptions {
  /** Bytes this entry accounts for (default: the cache's `sizeOf`). */
  size?: number;
  ttlMs?: number;
}

export interface L1Stats {
  hits: number;
  misses: number;
  /** hits / (hits + misses), 0 before any request. */
  hitRate: number;
  /** Entries removed to respect the byte bound. */
  evictions: number;
  /** Entries removed because their TTL had passed. */
  expirations: number;
  entries: number;
  bytes: number;
  maxBytes: number;
  /** The adaptive window's current share of the budget, in bytes. */
  windowBytes: number;
}

const SWEEP_PER_WRITE = 2;
/** Why a slot is released (numbers, not strings: compared on every eviction). */
const EVICTED = 0;
const EXPIRED = 1;
const DELETED = 2;

export class L1Cache<K, V> {
  private readonly index = new Map<K, number>();
  private slotKeys: (K | undefined)[] = [];
  private values: (V | undefined)[] = [];
  private expiresAt = new Float64Array(16).fill(Infinity);
  private free: number[] = [];
  private nextSlot = 0;
  private sweepHand = 0;
  private withTtl = 0;
  private readonly policy: WTinyLfuPolicy;
  private readonly clock: () => number;
  private readonly sizeOf: (key: K, value: V) => number;
  private readonly defaultTtl: number;
  private readonly hashSeed: number;
  private hits = 0;
  private misses = 0;
  private evictions = 0;
  private expirations = 0;
  /** The last missed key and its hash: a `set` right after its own miss must not count twice. */
  private lastMissKey: K | undefined;
  private lastMissHash = 0;

  constructor(options: L1Options<K, V>) {
    if (!(options.maxBytes >= 0)) throw new Error('maxBytes must be a number ≥ 0');
    this.clock = options.clock ?? Date.now;
    this.sizeOf = options.sizeOf ?? estimateSize;
    this.defaultTtl = options.ttlMs ?? Infinity;
    this.hashSeed = options.hashSeed ?? 0;
    this.policy = new WTinyLfuPolicy({
      maximum: options.maxBytes,
      expectedEntries: options.expectedEntries ?? Math.min(options.maxBytes, 1 << 16),
      adaptive: options.adaptive ?? true,
      windowPercent: options.windowPercent ?? 0.01,
      random: seededRandom(options.seed ?? 0x5eed),
      onEvict: (slot) => this.release(slot, this.withTtl !== 0 && this.isExpired(slot) ? EXPIRED : EVICTED),
      isExpired: (slot) => this.isExpired(slot),
      eagerPromotion: options.eagerPromotion ?? false,
    });
  }

  get(key: K): V | undefined {
    const slot = this.index.get(key);
    if (slot === undefined) return this.miss(key, hashKey(key, this.hashSeed));
    if (this.withTtl !== 0 && this.expiresAt[slot]! <= this.clock()) {
      const hash = this.policy.hashOf(slot);
      this.policy.remove(slot);
      this.release(slot, EXPIRED);
      return this.miss(key, hash);
    }
    this.hits += 1;
    this.policy.onHit(slot);
    return this.values[slot];
  }

  /** Present and not expired; does not count as a request. */
  has(key: K): boolean {
    const slot = this.index.get(key);
    return slot !== undefined && !(this.expiresAt[slot]! <= this.clock());
  }

  /** Stores a value; returns false when the entry alone exceeds the whole budget (not stored). */
  set(key: K, value: V, options?: SetOptions): boolean {
    const size = options?.size ?? this.sizeOf(key, value);
    const ttl = options?.ttlMs ?? this.defaultTtl;
    const expiresAt = ttl === Infinity ? Infinity : this.clock() + ttl;
    if (size > this.policy.maximum || !(size >= 0)) {
      this.delete(key);
      return false;
    }
    this.sweep(); // before the lookup: the sweep may remove this very key
    // After its own miss (read-through) the key was counted and hashed already, and is still
    // absent: every insertion clears `lastMissKey`, so the map need not be asked again.
    const afterMiss = this.lastMissKey === key;
    let hash: number;
    if (afterMiss) {
      hash = this.lastMissHash;
    } else {
      const existing = this.index.get(key);
      if (existing !== undefined) {
        this.values[existing] = value;
        this.setExpiry(existing, expiresAt);
        this.policy.reweigh(existing, size);
        return true;
      }
      hash = hashKey(key, this.hashSeed);
      this.policy.sketch.increment(hash);
    }
    this.lastMissKey = undefined;
    const slot = this.allocate();
    this.slotKeys[slot] = key;
    this.values[slot] = value;
    this.setExpiry(slot, expiresAt);
    this.index.set(key, slot);
    this.policy.add(slot, hash, size);
    return true;
  }

  delete(key: K): boolean {
    const slot = this.index.get(key);
    if (slot === undefined) return false;
    this.policy.remove(slot);
    this.release(slot, DELETED);
    return true;
  }

  clear(): void {
    this.index.clear();
    this.slotKeys = [];
    this.values = [];
    this.free = [];
    this.nextSlot = 0;
    this.withTtl = 0;
    this.policy.mayExpire = false;
    this.lastMissKey = undefined;
    this.expiresAt.fill(Infinity);
    this.policy.clear();
  }

  /** Removes every expired entry now (O(n)); returns how many. */
  purgeExpired(): number {
    const now = this.clock();
    let removed = 0;
    for (let slot = 0; slot < this.nextSlot; slot += 1) {
      if (this.slotKeys[slot] !== undefined && this.expiresAt[slot]! <= now) {
        this.policy.remove(slot);
        this.release(slot, EXPIRED);
        removed += 1;
      }
    }
    return removed;
  }

  /** The keys held (expired ones too, until they are noticed), in no particular order. */
  keys(): IterableIterator<K> {
    return this.index.keys();
  }

  /** Changes the byte budget at run time; shrinking evicts at once. */
  resize(maxBytes: number): void {
    if (!(maxBytes >= 0)) throw new Error('maxBytes must be a number ≥ 0');
    this.policy.setMaximum(maxBytes);
  }

  get size(): number {
    return this.index.size;
  }

  stats(): L1Stats {
    const requests = this.hits + this.misses;
    return {
      hits: this.hits,
      misses: this.misses,
      hitRate: requests === 0 ? 0 : this.hits / requests,
      evictions: this.evictions,
      expirations: this.expirations,
      entries: this.index.size,
      bytes: this.policy.weightedSize,
      maxBytes: this.policy.maximum,
      windowBytes: this.policy.windowMaximum,
    };
  }

  private isExpired(slot: number): boolean {
    const expiresAt = this.expiresAt[slot]!;
    return expiresAt !== Infinity && expiresAt <= this.clock();
  }

  private miss(key: K, hash: number): undefined {
    this.misses += 1;
    this.lastMissKey = key;
    this.lastMissHash = hash;
    this.policy.onMiss(hash);
    return undefined;
  }

  private setExpiry(slot: number, expiresAt: number): void {
    // No entry has a TTL, so this slot's time is Infinity already: not read (one memory line less per write).
    if (this.withTtl === 0 && expiresAt === Infinity) return;
    const had = this.expiresAt[slot] !== Infinity;
    const has = expiresAt !== Infinity;
    this.expiresAt[slot] = expiresAt;
    if (had === has) return;
    this.withTtl += has ? 1 : -1;
    this.policy.mayExpire = this.withTtl !== 0;
  }

  /** Two slots per write: expired entries nobody asks for still go, at O(1) per write. */
  private sweep(): void {
    if (this.withTtl === 0 || this.nextSlot === 0) return;
    const now = this.clock();
    for (let i = 0; i < SWEEP_PER_WRITE; i += 1) {
      const slot = this.sweepHand;
      this.sweepHand = slot + 1 >= this.nextSlot ? 0 : slot + 1;
      if (this.slotKeys[slot] !== undefined && this.expiresAt[slot]! <= now) {
        this.policy.remove(slot);
        this.release(slot, EXPIRED);
      }
    }
  }

  private allocate(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    const slot = this.nextSlot++;
    if (slot >= this.expiresAt.length) {
      const grown = new Float64Array(this.expiresAt.length * 2).fill(Infinity);
      grown.set(this.expiresAt);
      this.expiresAt = grown;
    }
    this.policy.grow(this.expiresAt.length);
    return slot;
  }

  /** Frees a slot the policy has already unlinked. */
  private release(slot: number, cause: number): void {
    if (cause === EVICTED) this.evictions += 1;
    else if (cause === EXPIRED) this.expirations += 1;
    this.index.delete(this.slotKeys[slot]!);
    this.slotKeys[slot] = undefined;
    this.values[slot] = undefined;
    this.setExpiry(slot, Infinity);
    this.free.push(slot);
  }
}
