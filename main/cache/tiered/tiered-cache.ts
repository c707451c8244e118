import { randomUUID } from 'node:crypto';
import { encodeValue } from '../l2/codec.ts';
import { jitterTtl } from '../l2/ttl-jitter.ts';
import { isFresh } from './entry.ts';
import type { CacheEntry } from './entry.ts';
import type { InvalidationBus, InvalidationMessage } from './invalidation-bus.ts';
import type { TierName } from './placement.ts';
import { SingleFlight } from './single-flight.ts';
import { TierStack } from './tier-stack.ts';
import type { Found, PrefixInvalidation, TierStackOptions } from './tier-stack.ts';
import { TieredCounters } from './tiered-stats.ts';
import type { TieredStats } from './tiered-stats.ts';

export interface TieredCacheOptions extends Omit<TierStackOptions, 'clock'> {
  /** TTL when a call gives none. */
  defaultTtlMs: number;
  /** ±fraction of spread on every fresh TTL (default 0.1): keys loaded together must not expire together. */
  ttlJitter?: number;
  /** Carries delete/invalidatePrefix (and set) to the L1 of other instances; absent = this process only. */
  bus?: InvalidationBus;
  /** Names this instance on the bus (its own messages are ignored); default a random UUID. */
  instanceId?: string;
  clock?: () => number;
  random?: () => number;
}

export interface CacheSetOptions {
  ttlMs?: number;
  /** Overrides placement by size (L1 is still refused above its per-entry limit). */
  tiers?: readonly TierName[];
}

export interface GetOrLoadOptions extends CacheSetOptions {
  /** After freshness ends, serve the stale value this long while one background load refreshes it. */
  staleWhileRevalidateMs?: number;
  /** After freshness ends, serve the stale value this long when the loader fails. */
  staleIfErrorMs?: number;
}

type Outcome = { value: unknown; outcome: 'hit' | 'stale' | 'miss' };

/**
 * Invalidation messages waiting on the bus at most: a memory bound for a bus that stops settling its publishes
 * (a third-party bus with no deadline). The Redis bus' own backlog is already bounded by its publish rate times
 * its guard's deadline, and its breaker; a message dropped here is a message lost, which L1's maxTtl bounds.
 * Each pending message holds a few keys, so a thousand of them is small next to any L1 budget.
 */
const MAX_PENDING_PUBLISHES = 1_000;

/**
 * L1 (memory) → L2 (Redis) → L3 (object store), each optional. Reads promote, writes place by size,
 * `getOrLoad` loads each key once at a time per process (single-flight) with optional stale-while-
 * revalidate and stale-if-error (RFC 5861), and deletes reach other instances' L1 through the bus.
 * Concurrent getOrLoad callers of one key share the first caller's loader and options.
 */
export class TieredCache {
  readonly instanceId: string;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly jitter: number;
  private readonly counters = new TieredCounters();
  private readonly stack: TierStack;
  private readonly flights = new SingleFlight<Outcome>();
  private readonly refreshes = new SingleFlight<unknown>();
  private readonly unsubscribe: (() => void) | undefined;
  /** Keys written or invalidated while their load ran: that load's result is older, so it is returned but not stored. */
  private readonly overtaken = new Set<string>();
  /** Invalidation messages on their way: nobody waits for them but idle() and close(). */
  private readonly publishing = new Set<Promise<void>>();
  private publishesDropped = 0;

  constructor(private readonly options: TieredCacheOptions) {
    if (!(options.defaultTtlMs > 0 && Number.isFinite(options.defaultTtlMs)))
      throw new RangeError('defaultTtlMs must be a finite number > 0');
    this.jitter = options.ttlJitter ?? 0.1;
    if (!(this.jitter >= 0 && this.jitter < 1)) throw new RangeError('ttlJitter must be in [0, 1)');
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.instanceId = options.instanceId ?? randomUUID();
    this.stack = new TierStack({ ...options, clock: this.clock }, this.counters);
    this.unsubscribe = options.bus?.subscribe((message) => this.onBusMessage(message));
  }

  /** The fresh value from the first tier that has it, or undefined. Stale values are not served here. */
  async get(key: string): Promise<unknown> {
    const inL1 = this.stack.readL1(key);
    const found = inL1 !== undefined && isFresh(inL1, this.clock()) ? { entry: inL1 } : await this.stack.readBelowL1(key);
    const fresh = found !== undefined && isFresh(found.entry, this.clock());
    this.counters.count(fresh ? 'hit' : 'miss');
    return fresh ? found.entry.v : undefined;
  }

  /** Stores in the tiers placement picks and drops the key from other instances' L1 (theirs is now old). undefined is not stored. */
  async set(key: string, value: unknown, options: CacheSetOptions = {}): Promise<void> {
    if (value === undefined) return;
    this.markOvertaken(key);
    await this.store(key, value, options, 0);
  }

  async getOrLoad<T>(key: string, loader: () => Promise<T>, options: GetOrLoadOptions = {}): Promise<T> {
    const inL1 = this.stack.readL1(key);
    let result: Outcome;
    if (inL1 !== undefined && isFresh(inL1, this.clock())) result = { value: inL1.v, outcome: 'hit' };
    else result = await this.flights.run(key, () => this.resolve(key, loader, options, inL1));
    this.counters.count(result.outcome);
    return result.value as T;
  }

  /** Removes the key from every tier here and from other instances' L1. */
  async delete(key: string): Promise<void> {
    this.markOvertaken(key);
    await this.stack.delete(key);
    this.publish({ origin: this.instanceId, keys: [key] });
  }

  /** Removes every key starting with prefix from every tier here and from other instances' L1. */
  async invalidatePrefix(prefix: string): Promise<PrefixInvalidation> {
    this.markOvertaken(undefined, prefix);
    const result = await this.stack.deleteByPrefix(prefix);
    this.publish({ origin: this.instanceId, prefix });
    return result;
  }

  /**
   * Empties one tier of this instance, or everything: 'all' also empties the L1 of other instances (the
   * bus carries it), since L2 and L3 are shared and an L1 elsewhere would keep serving what was flushed.
   */
  async flush(target: TierName | 'all'): Promise<{ removed: Partial<Record<TierName, number>>; complete: boolean }> {
    const tiers = target === 'all' ? (['l1', 'l2', 'l3'] as const).filter((t) => this.stack.policy.present.has(t)) : [target];
    this.markOvertaken(undefined, '');
    const removed: Partial<Record<TierName, number>> = {};
    let complete = true;
    for (const tier of tiers) {
      const result = await this.stack.flush(tier);
      removed[tier] = result.removed;
      complete &&= result.complete;
    }
    if (target === 'all') this.publish({ origin: this.instanceId, prefix: '' });
    return { removed, complete };
  }

  /** Drops the L1 entries whose time is up now instead of when they are next met; returns how many. */
  purgeExpiredL1(): number {
    return this.stack.l1?.purgeExpired() ?? 0;
  }

  /** The L1's bytes in use and budget (undefined without an L1): what the memory manager reads, without the other tiers' stats. */
  l1Usage(): { bytes: number; maxBytes: number } | undefined {
    const l1 = this.stack.l1?.stats();
    return l1 && { bytes: l1.bytes, maxBytes: l1.maxBytes };
  }

  /** Sets the L1's byte budget; see TierStack.resizeL1. */
  resizeL1(maxBytes: number): void {
    this.stack.resizeL1(maxBytes);
  }

  /**
   * Makes the key present without counting a request (warming is not traffic): already in L1, or found in
   * L2/L3 and promoted ('cached'), or loaded once through the same single-flight as getOrLoad ('loaded').
   */
  async warm(key: string, loader: () => Promise<unknown>, options: CacheSetOptions = {}): Promise<'cached' | 'loaded'> {
    if (this.stack.l1?.has(key)) return 'cached';
    const outcome = await this.flights.run(key, async (): Promise<Outcome> => {
      const below = await this.stack.readBelowL1(key);
      if (below !== undefined && isFresh(below.entry, this.clock())) return { value: below.entry.v, outcome: 'hit' };
      return { value: await this.load(key, loader, options), outcome: 'miss' };
    });
    return outcome.outcome === 'miss' ? 'loaded' : 'cached';
  }

  stats(): TieredStats {
    return {
      ...this.counters.overall(),
      singleFlightJoined: this.flights.joined,
      busPublishesDropped: this.publishesDropped,
      tiers: this.stack.tierStats(),
    };
  }

  /** Resolves when no load, background refresh or invalidation message is running (tests, shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      const running = [...this.flights.all(), ...this.refreshes.all(), ...this.publishing];
      if (running.length === 0) return;
      await Promise.allSettled(running);
    }
  }

  /** Stops listening to the bus and waits for running loads. Does not close the tiers or the bus: the caller owns them. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    await this.idle();
  }

  private async resolve(
    key: string,
    loader: () => Promise<unknown>,
    options: GetOrLoadOptions,
    inL1: CacheEntry | undefined,
  ): Promise<Outcome> {
    try {
      return await this.resolveOnce(key, loader, options, inL1);
    } finally {
      // A mark made while this flight only read (no load) must not outlive it; a running refresh still needs its mark.
      if (this.refreshes.running(key) === undefined) this.overtaken.delete(key);
    }
  }

  private async resolveOnce(
    key: string,
    loader: () => Promise<unknown>,
    options: GetOrLoadOptions,
    inL1: CacheEntry | undefined,
  ): Promise<Outcome> {
    const below = await this.stack.readBelowL1(key);
    const found: Found | undefined = below ?? (inL1 !== undefined ? { entry: inL1, tier: 'l1' } : undefined);
    if (found !== undefined && isFresh(found.entry, this.clock())) return { value: found.entry.v, outcome: 'hit' };
    const swr = options.staleWhileRevalidateMs ?? 0;
    if (found !== undefined && this.clock() < found.entry.f + swr) {
      this.refreshInBackground(key, loader, options);
      return { value: found.entry.v, outcome: 'stale' };
    }
    try {
      return { value: await this.load(key, loader, options), outcome: 'miss' };
    } catch (error) {
      const sie = options.staleIfErrorMs ?? 0;
      if (found !== undefined && this.clock() < found.entry.f + sie) {
        this.counters.staleIfErrorServed += 1;
        return { value: found.entry.v, outcome: 'stale' };
      }
      throw error;
    }
  }

  /** One loader call; joins a background refresh of the key already running instead of calling twice. */
  private async load(key: string, loader: () => Promise<unknown>, options: GetOrLoadOptions): Promise<unknown> {
    const refreshing = this.refreshes.running(key);
    if (refreshing !== undefined) return await refreshing;
    return await this.loadAndStore(key, loader, options);
  }

  private async loadAndStore(key: string, loader: () => Promise<unknown>, options: GetOrLoadOptions): Promise<unknown> {
    this.counters.loads += 1;
    this.overtaken.delete(key);
    let value: unknown;
    try {
      value = await loader();
    } catch (error) {
      this.counters.loadErrors += 1;
      this.overtaken.delete(key);
      throw error;
    }
    if (this.overtaken.delete(key)) return value;
    // The stale windows are kept physically, so a later failure or revalidation can still use the value.
    const staleMs = Math.max(options.staleWhileRevalidateMs ?? 0, options.staleIfErrorMs ?? 0);
    // A fill writes what the source holds, it changes nothing: no invalidation for other instances (a change reaches
    // them through set, delete or invalidatePrefix; an L1 copy loaded before it lives at most l1.maxTtlMs).
    if (value !== undefined) await this.store(key, value, options, staleMs, { announce: false });
    return value;
  }

  private refreshInBackground(key: string, loader: () => Promise<unknown>, options: GetOrLoadOptions): void {
    if (this.refreshes.running(key) !== undefined) return;
    this.counters.backgroundRefreshes += 1;
    // A failed refresh leaves the stale value in place; it is counted in loadErrors, never thrown.
    this.refreshes.run(key, () => this.loadAndStore(key, loader, options)).catch(() => undefined);
  }

  private async store(
    key: string,
    value: unknown,
    options: CacheSetOptions,
    staleMs: number,
    { announce }: { announce: boolean } = { announce: true },
  ): Promise<void> {
    const now = this.clock();
    const fresh = jitterTtl(options.ttlMs ?? this.options.defaultTtlMs, this.jitter, this.random);
    const entry: CacheEntry = { v: value, f: now + fresh, s: now + fresh + staleMs, n: 0 };
    const bytes = encodeValue(entry);
    entry.n = bytes.length;
    await this.stack.write(key, entry, bytes, options.tiers);
    if (announce) this.publish({ origin: this.instanceId, keys: [key] });
  }

  /**
   * Sends the message without waiting for it. What this instance returns is already right (its own tiers are
   * written or deleted before this); other instances' L1 are best effort by design (pub/sub has no replay,
   * l1.maxTtlMs bounds a missed message), so no caller waits on Redis for them, least of all a miss.
   */
  private publish(message: InvalidationMessage): void {
    const bus = this.options.bus;
    if (!bus) return;
    if (this.publishing.size >= MAX_PENDING_PUBLISHES) {
      this.publishesDropped += 1;
      return;
    }
    // A bus outage must never fail a call: a third-party bus that throws or rejects costs the message only.
    const sending: Promise<void> = Promise.resolve()
      .then(() => bus.publish(message))
      .catch(() => undefined)
      .finally(() => this.publishing.delete(sending));
    this.publishing.add(sending);
  }

  private onBusMessage(message: InvalidationMessage): void {
    if (message.origin === this.instanceId) return;
    this.counters.busInvalidationsApplied += 1;
    if ('keys' in message) {
      for (const key of message.keys) {
        this.markOvertaken(key);
        this.stack.dropL1(key);
      }
    } else {
      this.markOvertaken(undefined, message.prefix);
      this.stack.dropL1Prefix(message.prefix);
    }
  }

  /** Marks running loads of the key (or of every key under prefix) as overtaken. */
  private markOvertaken(key: string | undefined, prefix?: string): void {
    for (const flights of [this.flights.keys(), this.refreshes.keys()]) {
      for (const running of flights) {
        if (running === key || (prefix !== undefined && running.startsWith(prefix))) this.overtaken.add(running);
      }
    }
  }
}
