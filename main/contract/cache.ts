import { z } from 'zod';

export const cacheTierNameSchema = z.enum(['l1', 'l2', 'l3']);
export type CacheTierName = z.infer<typeof cacheTierNameSchema>;

/** One tier over one telemetry interval: counts are deltas, sizes are gauges at the interval's end. */
export const cacheTierIntervalSchema = z.object({
  /** Lookups that reached this tier and found a fresh value. */
  hits: z.number().int().nonnegative(),
  /** Lookups that reached this tier and found nothing fresh (stale finds count here too). */
  misses: z.number().int().nonnegative(),
  /** hits / (hits + misses) in the interval; null when no lookup reached the tier. */
  hitRate: z.number().min(0).max(1).nullable(),
  /** Stored bytes (L1: estimated in memory; null where the tier cannot tell cheaply). */
  bytes: z.number().nonnegative().nullable(),
  entries: z.number().int().nonnegative().nullable(),
  /** Entries the tier dropped to make room, in the interval (null where the tier does not report it). */
  evictions: z.number().int().nonnegative().nullable(),
  /** Tier-specific trouble in the interval: Redis timeouts and breaker rejections, object-store errors. */
  errors: z.number().int().nonnegative(),
});
export type CacheTierInterval = z.infer<typeof cacheTierIntervalSchema>;

export const cacheIntervalSchema = z.object({
  /** Cache lookups (workload requests of cacheable templates, warm-ups excluded) in the interval. */
  requests: z.number().int().nonnegative(),
  /** Answered from some tier, fresh or stale-while-revalidate. */
  hits: z.number().int().nonnegative(),
  /** (hits) / requests; null without requests. What the overview's hit-rate tile shows. */
  hitRate: z.number().min(0).max(1).nullable(),
  /** Loader calls (the database answered) and failed loads. */
  loads: z.number().int().nonnegative(),
  loadErrors: z.number().int().nonnegative(),
  /** The L1's byte budget at the interval's end. */
  l1MaxBytes: z.number().nonnegative().nullable(),
  tiers: z.object({
    l1: cacheTierIntervalSchema.nullable(),
    l2: cacheTierIntervalSchema.nullable(),
    l3: cacheTierIntervalSchema.nullable(),
  }),
});
export type CacheInterval = z.infer<typeof cacheIntervalSchema>;

export const cacheTierConfigSchema = z.object({
  tier: cacheTierNameSchema,
  /** Where it lives, for people: "memory, 128 MiB", a masked Redis URL, a folder, an S3 bucket. */
  location: z.string(),
  /** L2 only: false while its circuit breaker is open (Redis down or too slow; reads fall through). */
  available: z.boolean(),
});

export const cacheStatusSchema = z.object({
  /** False before a stack is connected. */
  enabled: z.boolean(),
  tiers: z.array(cacheTierConfigSchema),
  l1: z.object({ maxBytes: z.number().nonnegative(), bytes: z.number().nonnegative(), entries: z.number().int().nonnegative() }).nullable(),
  /** Templates of the running workload that read through the cache, with their TTL (ms). */
  cachedTemplates: z.array(z.object({ template: z.string(), ttlMs: z.number().positive() })),
  /** Distinct hot keys known from recent traffic: what `cache.warm` can load. */
  hotKeys: z.number().int().nonnegative(),
  /** With a Redis: its circuit breaker (shared by the L2 and the invalidation bus) and the failures behind it. */
  l2: z
    .object({
      breakerState: z.enum(['closed', 'open', 'half-open']),
      breakerTransitions: z.number().int().nonnegative(),
      /** Calls that reached Redis and failed or got no answer in time, since connect. */
      errors: z.number().int().nonnegative(),
      /** Calls the open breaker answered without touching Redis, since connect. */
      shortCircuited: z.number().int().nonnegative(),
      lastError: z.string().nullable(),
      /** How the Redis is reached: one server, a master found through Sentinel, or a Cluster. */
      topology: z.enum(['standalone', 'sentinel', 'cluster']).optional(),
    })
    .optional(),
});
export type CacheStatusPayload = z.infer<typeof cacheStatusSchema>;

export const cacheFlushTargetSchema = z.enum(['l1', 'l2', 'l3', 'all']);
export type CacheFlushTarget = z.infer<typeof cacheFlushTargetSchema>;

export const cacheFlushResultSchema = z.object({
  /** Entries removed per tier (tiers that are not configured are absent). */
  removed: z.object({
    l1: z.number().int().nonnegative().optional(),
    l2: z.number().int().nonnegative().optional(),
    l3: z.number().int().nonnegative().optional(),
  }),
  /** False when Redis or the object store could not finish (unreachable); flush again when it is back. */
  complete: z.boolean(),
});
export type CacheFlushResult = z.infer<typeof cacheFlushResultSchema>;

export const cacheInvalidateResultSchema = z.object({
  /** The template whose cached results were removed (under every version of its SQL). */
  template: z.string(),
  /** Entries removed per tier here (tiers that are not configured are absent); other instances' L1 hear of it on the bus. */
  removed: cacheFlushResultSchema.shape.removed,
  /** False when Redis or the object store could not finish (unreachable); invalidate again when it is back. */
  complete: z.boolean(),
});
export type CacheInvalidateResult = z.infer<typeof cacheInvalidateResultSchema>;

export const cacheWarmResultSchema = z.object({
  /** Hot keys considered. */
  keys: z.number().int().nonnegative(),
  /** Loaded from the database and stored. */
  loaded: z.number().int().nonnegative(),
  /** Already fresh in some tier: nothing to do. */
  alreadyCached: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  elapsedMs: z.number().nonnegative(),
});
export type CacheWarmResult = z.infer<typeof cacheWarmResultSchema>;

/** The L1 budget a user may set: 1 MiB to 64 GiB. */
export const L1_MIN_BYTES = 1024 * 1024;
export const L1_MAX_BYTES = 64 * 1024 * 1024 * 1024;
