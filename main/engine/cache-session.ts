import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type pg from 'pg';
import type { PoolManager } from '../pool/index.ts';
import type { CacheFlushResult, CacheFlushTarget, CacheInterval, CacheStatusPayload } from '../contract/cache.ts';
import {
  HotKeys,
  DEFAULT_CONNECTION_TUNING,
  RedisGuard,
  deadlineFor,
  type GuardLog,
  type RedisTarget,
  RedisTier,
  FolderTier,
  type ObjectTier,
  type ObjectTierConfig,
  createObjectTier,
  describeObjectTier,
  RedisInvalidationBus,
  TieredCache,
  type TieredStats,
  cacheInterval,
} from '../cache/index.ts';
import { readRedisTls, redisTopologyOf, type RedisTopology, type Stack } from '../stack/index.ts';
import { CachedQueryRecipes, type CachedQueryRecipe } from './cached-query-recipes.ts';

export interface CacheSettings {
  /** The L1's byte budget; default 128 MiB. */
  l1Bytes?: number;
  /** The object-store tier: a folder (default: `cache-l3` in the data folder), another store, or none. */
  l3?:
    | { kind: 'folder'; dir?: string; maxBytes?: number }
    | { kind: 'store'; store: ObjectTier; location: string }
    /** An S3-compatible bucket the session builds (and closes), its expiry sweep waiting on `backgroundGate`. */
    | { kind: 's3'; config: Extract<ObjectTierConfig, { kind: 's3' }> }
    | { kind: 'off' };
  /** The gate of background work (the memory manager pauses it under pressure); the S3 expiry sweep waits on it. */
  backgroundGate?: { whenRunning(): Promise<void> };
}

/** The Redis breaker over one telemetry interval: its state at the end, calls counted in the interval. */
export interface L2Interval {
  breakerState: 'closed' | 'open' | 'half-open';
  errors: number;
  shortCircuited: number;
}

export const DEFAULT_L1_BYTES = 128 * 1024 * 1024;
const DEFAULT_TTL_MS = 5 * 60_000;
/** How many distinct keys the hot-key table ranks (it holds up to twice as many between prunes). */
const HOT_KEY_CAPACITY = 50_000;
/** An invalidation missed while the bus was down lasts at most this long in an L1. */
const L1_MAX_TTL_MS = 5 * 60_000;
const REDIS_READY_MS = 2_000;
/** A Redis call's ceiling: ioredis' command timeout plus a little, so ioredis normally reports first. */
const REDIS_DEADLINE_MS = deadlineFor(DEFAULT_CONNECTION_TUNING.commandTimeoutMs);

/**
 * The engine's cache for one connected stack: the tiers the stack offers (L1 always, L2 when the stack has a
 * Redis, L3 as configured) and the hot keys of recent traffic; warming loads through the stack's pool on its
 * low-priority lane, so it never takes a connection live traffic needs. Keys are namespaced by the database, so two databases sharing one Redis or bucket never mix.
 */
export class CacheSession {
  private previous: TieredStats | null = null;
  private l2Counted = { errors: 0, shortCircuited: 0 };
  /** How the stack's Redis is reached (for cache.status). */
  private redisKind: RedisTopology['kind'] = 'standalone';
  /** The L1 budget the operator chose (or the start-up setting): what the memory manager restores after pressure. */
  configuredL1Bytes: number;

  private constructor(
    readonly cache: TieredCache,
    readonly hotKeys: HotKeys<CachedQueryRecipe>,
    /** Turns a hot key back into its query; workloads register their cached templates here. */
    readonly recipes: CachedQueryRecipes,
    readonly namespace: string,
    private readonly locations: CacheStatusPayload['tiers'],
    private readonly l2: RedisTier | undefined,
    private readonly bus: RedisInvalidationBus | undefined,
    private readonly pool: PoolManager,
    l1Bytes: number,
    /** The object tier this session made, folder or bucket (a store from the settings belongs to whoever made it). */
    private readonly ownFolder: ObjectTier | undefined,
  ) {
    this.configuredL1Bytes = l1Bytes;
  }

  /** `log` hears of Redis going away and coming back (one line each, from the breaker's state changes). */
  static async open(stack: Stack, pool: PoolManager, dataDir: string, settings: CacheSettings = {}, log?: GuardLog): Promise<CacheSession> {
    const namespace = databaseNamespace(stack.pg, stack.kind);
    const l1Bytes = settings.l1Bytes ?? DEFAULT_L1_BYTES;
    const locations: CacheStatusPayload['tiers'] = [{ tier: 'l1', location: `memory, ${formatMiB(l1Bytes)}`, available: true }];
    let l2: RedisTier | undefined;
    let bus: RedisInvalidationBus | undefined;
    if (stack.redis) {
      // One breaker for the one server: the L2's calls and the bus' PUBLISH/SUBSCRIBE meet the same outage.
      const guard = new RedisGuard({ name: stack.redis.displayUrl, deadlineMs: REDIS_DEADLINE_MS, ...(log ? { log } : {}) });
      // The tiered cache jitters TTLs once for every tier, so the Redis tier adds none of its own.
      const target = redisTarget(redisTopologyOf(stack.redis));
      l2 = new RedisTier({
        target,
        keyPrefix: `hotpath:${namespace}:`,
        defaultTtlMs: DEFAULT_TTL_MS,
        ttlJitter: 0,
        guard,
      });
      bus = new RedisInvalidationBus({ target, channel: `hotpath:${namespace}:invalidate`, guard });
      // Not required: until Redis answers, L2 reads are misses and the breaker keeps them cheap.
      await Promise.all([l2.ready(REDIS_READY_MS), bus.ready(REDIS_READY_MS)]);
      locations.push({ tier: 'l2', location: stack.redis.displayUrl, available: true });
    }
    const l3 = objectTier(settings.l3, dataDir, namespace, settings.backgroundGate);
    if (l3) locations.push({ tier: 'l3', location: l3.location, available: true });
    const cache = new TieredCache({
      defaultTtlMs: DEFAULT_TTL_MS,
      l1: { maxBytes: l1Bytes, maxTtlMs: L1_MAX_TTL_MS },
      ...(l2 ? { l2 } : {}),
      ...(l3 ? { l3: l3.store } : {}),
      ...(bus ? { bus } : {}),
    });
    const ownFolder = settings.l3?.kind === 'store' ? undefined : l3?.store;
    const recipes = new CachedQueryRecipes();
    const hotKeys = new HotKeys(HOT_KEY_CAPACITY, (key) => recipes.recipeOf(key));
    const session = new CacheSession(cache, hotKeys, recipes, namespace, locations, l2, bus, pool, l1Bytes, ownFolder);
    if (stack.redis) session.redisKind = redisTopologyOf(stack.redis).kind;
    return session;
  }

  /** Runs a hot key's query again on the pool's low lane (read-only sessions, like the workload's). */
  async load(recipe: CachedQueryRecipe): Promise<unknown[]> {
    return (await this.pool.query('low', { text: recipe.sql, values: recipe.params })).rows;
  }

  status(cachedTemplates: CacheStatusPayload['cachedTemplates']): CacheStatusPayload {
    const l1 = this.cache.stats().tiers.l1?.store;
    const l2 = this.l2?.stats();
    const breakerOpen = l2?.breakerState === 'open';
    return {
      enabled: true,
      tiers: this.locations.map((t) =>
        t.tier === 'l1' && l1
          ? { ...t, location: `memory, ${formatMiB(l1.maxBytes)}` }
          : t.tier === 'l2'
            ? { ...t, available: !breakerOpen }
            : t,
      ),
      l1: l1 ? { maxBytes: l1.maxBytes, bytes: l1.bytes, entries: l1.entries } : null,
      cachedTemplates,
      hotKeys: this.hotKeys.size,
      ...(l2 ? { l2: this.l2Health(l2) } : {}),
    };
  }

  /** The Redis breaker and the failures behind it, L2 and bus together (they share one breaker). */
  private l2Health(l2: ReturnType<RedisTier['stats']>): NonNullable<CacheStatusPayload['l2']> {
    const guard = this.l2!.guard;
    return {
      breakerState: l2.breakerState,
      breakerTransitions: l2.breakerTransitions,
      errors: guard.failed,
      shortCircuited: guard.shortCircuited,
      lastError: guard.lastError ?? l2.lastError ?? this.bus?.lastError ?? null,
      topology: this.redisKind,
    };
  }

  /**
   * The Redis breaker's state now and the failed and short-circuited calls (L2 and bus) since the previous call,
   * for /metrics; null without a Redis.
   */
  l2Interval(): L2Interval | null {
    if (!this.l2) return null;
    const guard = this.l2.guard;
    const interval = {
      breakerState: guard.state,
      errors: guard.failed - this.l2Counted.errors,
      shortCircuited: guard.shortCircuited - this.l2Counted.shortCircuited,
    };
    this.l2Counted = { errors: guard.failed, shortCircuited: guard.shortCircuited };
    return interval;
  }

  /** The interval since the previous call (the engine calls this once per telemetry tick). */
  interval(): CacheInterval {
    const now = this.cache.stats();
    const interval = cacheInterval(this.previous, now);
    this.previous = now;
    return interval;
  }

  async flush(target: CacheFlushTarget): Promise<CacheFlushResult> {
    if (target !== 'all' && !this.locations.some((t) => t.tier === target)) {
      throw new CacheConfigError(
        `This stack has no ${target.toUpperCase()} tier.`,
        target === 'l2' ? 'Connect with a Redis URL to get an L2.' : 'Start the engine with an L3 configured.',
      );
    }
    return await this.cache.flush(target);
  }

  /** The operator's resize: also the size the memory manager returns the L1 to after pressure. */
  resizeL1(bytes: number): void {
    this.cache.resizeL1(bytes);
    this.configuredL1Bytes = bytes;
  }

  async close(): Promise<void> {
    await this.cache.close();
    await Promise.allSettled([this.l2?.close(), this.bus?.close(), this.ownFolder?.close?.()]);
  }
}

/** A cache command that does not fit this stack's tiers; mapped to a contract error by the engine. */
export class CacheConfigError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'CacheConfigError';
  }
}

function objectTier(
  setting: CacheSettings['l3'],
  dataDir: string,
  namespace: string,
  gate: CacheSettings['backgroundGate'],
): { store: ObjectTier; location: string } | undefined {
  if (setting?.kind === 'off') return undefined;
  if (setting?.kind === 'store') return { store: setting.store, location: setting.location };
  if (setting?.kind === 's3')
    return { store: createObjectTier(setting.config, gate ? { gate } : {}), location: describeObjectTier(setting.config) };
  const dir = setting?.dir ?? join(dataDir, 'cache-l3', namespace);
  const maxBytes = setting?.kind === 'folder' ? setting.maxBytes : undefined;
  return { store: new FolderTier({ dir, ...(maxBytes === undefined ? {} : { maxBytes }) }), location: dir };
}

/**
 * The stack's Redis servers as the cache's L2 tier and invalidation bus connect to them. The TLS certificate files
 * are read here, when the session connects (a file gone since the stack was verified is a `tls-failed` StackError).
 */
export function redisTarget(topology: RedisTopology): RedisTarget {
  const tls = topology.tls === undefined ? {} : { tls: readRedisTls(topology.tls) };
  if (topology.kind !== 'sentinel') return { ...topology, ...tls };
  const { masterName, ...rest } = topology;
  return { ...rest, ...tls, name: masterName };
}

/**
 * A short, stable name for the database (no secret in it): host, port and database name hashed. The local stack's
 * PostgreSQL listens on a new port at every start, so there it is the database name alone (one local stack per data
 * folder, and the names it keys live in that folder or in its private Redis): keyed by port, the advisor's build
 * history was lost at every restart, and Hotpath no longer recognised the indexes it had built.
 */
export function databaseNamespace(connection: pg.ClientConfig, kind: Stack['kind'] = 'remote'): string {
  const where =
    kind === 'local'
      ? `local/${connection.database ?? ''}`
      : `${connection.host ?? ''}:${connection.port ?? 5432}/${connection.database ?? ''}`;
  return createHash('sha1').update(where).digest('hex').slice(0, 10);
}

function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toLocaleString('en', { maximumFractionDigits: 1 })} MiB`;
}
