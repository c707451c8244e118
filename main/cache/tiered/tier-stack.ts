import { L1Cache } from '../l1/l1-cache.ts';
import { decodeValue, encodeValue } from '../l2/codec.ts';
import type { ObjectTier } from '../l3/object-tier.ts';
import { isEntry, isFresh, remainingLife } from './entry.ts';
import type { CacheEntry } from './entry.ts';
import { fromL1Record, l1Weight, toL1Record, type L1Record } from './l1-record.ts';
import { placeBySize, promotionTargets } from './placement.ts';
import type { PlacementPolicy, TierName } from './placement.ts';
import type { TieredCounters, TieredStats } from './tiered-stats.ts';

/** The L2 as the tiered cache needs it; `RedisTier` fits (its promises never reject). */
export interface L2Tier {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  deleteByPrefix(prefix: string): Promise<{ deleted: number; complete: boolean }>;
  stats?(): unknown;
}

export interface L1TierOptions {
  maxBytes: number;
  /** Per-entry ceiling; default min(largeValueBytes, maxBytes). */
  maxEntryBytes?: number;
  /** Cap on an entry's life in L1: the bus is best effort, so a missed invalidation lasts at most this. */
  maxTtlMs?: number;
}

export interface TierStackOptions {
  l1?: L1TierOptions;
  /** Give a RedisTier ttlJitter 0 here: the tiered cache jitters TTLs itself, once for every tier. */
  l2?: L2Tier;
  l3?: ObjectTier;
  largeValueBytes?: number;
  largeTo?: 'l2+l3' | 'l3';
  clock: () => number;
}

export interface Found {
  entry: CacheEntry;
  tier: TierName;
}

export interface PrefixInvalidation {
  /** False when L2 or L3 could not finish (the caller may retry). */
  complete: boolean;
  l1Deleted: number;
  l2Deleted: number;
  l3Deleted: number;
}

/** The tiers themselves: reads with promotion, placed writes, deletes. Keeps the tiered cache's policy code apart. */
export class TierStack {
  /** Holds each entry's encoding, not its value (l1-record.ts says why). */
  readonly l1: L1Cache<string, L1Record> | undefined;
  readonly policy: PlacementPolicy;
  private readonly l1MaxTtl: number;

  constructor(
    private readonly options: TierStackOptions,
    private readonly counters: TieredCounters,
  ) {
    const largeValueBytes = options.largeValueBytes ?? 64 * 1024;
    const present = new Set<TierName>();
    if (options.l1) present.add('l1');
    if (options.l2) present.add('l2');
    if (options.l3) present.add('l3');
    this.policy = {
      largeValueBytes,
      largeTo: options.largeTo ?? 'l2+l3',
      l1MaxEntryBytes: options.l1 ? Math.min(options.l1.maxEntryBytes ?? largeValueBytes, options.l1.maxBytes) : 0,
      present,
    };
    this.l1MaxTtl = options.l1?.maxTtlMs ?? Infinity;
    this.l1 = options.l1 ? new L1Cache<string, L1Record>({ maxBytes: options.l1.maxBytes, clock: options.clock }) : undefined;
  }

  /** L1 alone, synchronously: a fresh L1 hit costs no promise hop (its value is decoded here). */
  readL1(key: string): CacheEntry | undefined {
    if (!this.l1) return undefined;
    const record = this.l1.get(key);
    const entry = record === undefined ? undefined : fromL1Record(record);
    const counter = this.counters.tier.l1;
    if (entry === undefined) {
      counter.misses += 1;
      if (record !== undefined) this.dropL1(key);
    } else if (isFresh(entry, this.options.clock())) counter.hits += 1;
    else counter.stale += 1;
    return entry;
  }

  /** L2 then L3: the first fresh entry (promoted to the tiers above it), else the first stale one. */
  async readBelowL1(key: string): Promise<Found | undefined> {
    let stale: Found | undefined;
    for (const tier of ['l2', 'l3'] as const) {
      const entry = await this.readTier(tier, key);
      const counter = this.counters.tier[tier];
      const now = this.options.clock();
      if (entry === undefined || remainingLife(entry, now) <= 0) {
        if (this.policy.present.has(tier)) counter.misses += 1;
        continue;
      }
      if (isFresh(entry, now)) {
        counter.hits += 1;
        await this.promote(key, entry, tier);
        return { entry, tier };
      }
      counter.stale += 1;
      stale ??= { entry, tier };
    }
    return stale;
  }

  /** Writes to the tiers placement picks; `bytes` is the entry's encoding, what L3 stores. */
  async write(key: string, entry: CacheEntry, bytes: Buffer, requested?: readonly TierName[]): Promise<void> {
    const tiers = placeBySize(entry.n, this.policy, requested);
    await this.fill(key, entry, tiers, bytes);
  }

  dropL1(key: string): void {
    this.l1?.delete(key);
  }

  dropL1Prefix(prefix: string): number {
    if (!this.l1) return 0;
    // Looks at every key, as the separate key set this replaced did: a prefix invalidation comes from an operator or
    // from another instance, not with every request.
    const matching: string[] = [];
    for (const key of this.l1.keys()) if (key.startsWith(prefix)) matching.push(key);
    for (const key of matching) this.l1.delete(key);
    return matching.length;
  }

  async delete(key: string): Promise<void> {
    this.dropL1(key);
    await Promise.all([safely(this.options.l2?.delete(key), undefined), safely(this.options.l3?.delete(key), undefined)]);
  }

  async deleteByPrefix(prefix: string): Promise<PrefixInvalidation> {
    const l1Deleted = this.dropL1Prefix(prefix);
    const none = { deleted: 0, complete: true };
    const failed = { deleted: 0, complete: false };
    const [l2, l3] = await Promise.all([
      this.options.l2 ? safely(this.options.l2.deleteByPrefix(prefix), failed) : none,
      this.options.l3 ? safely(this.options.l3.deleteByPrefix(prefix), failed) : none,
    ]);
    return { complete: l2.complete && l3.complete, l1Deleted, l2Deleted: l2.deleted, l3Deleted: l3.deleted };
  }

  /** Empties one tier. L2 and L3 remove only this cache's keys (their key prefix), never the whole server or bucket. */
  async flush(tier: TierName): Promise<{ removed: number; complete: boolean }> {
    if (tier === 'l1') {
      const removed = this.l1?.size ?? 0;
      this.l1?.clear();
      return { removed, complete: true };
    }
    const store = tier === 'l2' ? this.options.l2 : this.options.l3;
    if (!store) return { removed: 0, complete: true };
    const result = await safely(store.deleteByPrefix(''), { deleted: 0, complete: false });
    return { removed: result.deleted, complete: result.complete };
  }

  /** The L1's byte budget at run time; shrinking evicts the coldest entries at once. */
  resizeL1(maxBytes: number): void {
    if (!this.l1) throw new Error('This cache has no L1 tier.');
    this.l1.resize(maxBytes);
    this.policy.l1MaxEntryBytes = Math.min(this.options.l1?.maxEntryBytes ?? this.policy.largeValueBytes, maxBytes);
  }

  tierStats(): TieredStats['tiers'] {
    const tiers: TieredStats['tiers'] = {};
    if (this.l1) tiers.l1 = { ...this.counters.tier.l1.snapshot(), store: this.l1.stats() };
    const { l2, l3 } = this.options;
    if (l2) tiers.l2 = { ...this.counters.tier.l2.snapshot(), store: l2.stats?.() };
    if (l3) tiers.l3 = { ...this.counters.tier.l3.snapshot(), store: l3.stats?.() };
    return tiers;
  }

  private async readTier(tier: 'l2' | 'l3', key: string): Promise<CacheEntry | undefined> {
    if (tier === 'l2') {
      const raw = await safely(this.options.l2?.get(key), undefined);
      return isEntry(raw) ? raw : undefined;
    }
    const bytes = await safely(this.options.l3?.get(key), undefined);
    if (bytes === undefined) return undefined;
    const decoded = decodeValue(bytes);
    // The stored size field was written before the encoding existed; the real size is the bytes read.
    return decoded.ok && isEntry(decoded.value) ? { ...decoded.value, n: bytes.length } : undefined;
  }

  private async promote(key: string, entry: CacheEntry, hitTier: TierName): Promise<void> {
    await this.fill(key, entry, promotionTargets(hitTier, entry.n, this.policy));
  }

  private async fill(key: string, entry: CacheEntry, tiers: readonly TierName[], bytes?: Buffer): Promise<void> {
    const life = remainingLife(entry, this.options.clock());
    if (life <= 0) return;
    const writes: Array<Promise<void>> = [];
    let encoded = bytes;
    for (const tier of tiers) {
      if (tier === 'l1' && this.l1) {
        const record = toL1Record((encoded ??= encodeValue(entry)));
        this.l1.set(key, record, { size: l1Weight(key, record), ttlMs: Math.min(life, this.l1MaxTtl) });
      } else if (tier === 'l2' && this.options.l2) {
        writes.push(safely(this.options.l2.set(key, entry, life), undefined));
      } else if (tier === 'l3' && this.options.l3) {
        writes.push(safely(this.options.l3.set(key, (encoded ??= encodeValue(entry)), life), undefined));
      }
    }
    await Promise.all(writes);
  }
}

/** Our tiers promise never to reject, but a third-party implementation might: it must cost a miss, not the request. */
async function safely<T, F>(pending: Promise<T> | undefined, fallback: F): Promise<T | F> {
  if (pending === undefined) return fallback;
  try {
    return await pending;
  } catch {
    return fallback;
  }
}
