/** The multi-tier cache: L1 W-TinyLFU, L2 Redis, L3 objects, the tiered cache, hot keys, simulations. */
export { cacheInterval } from './cache-interval.ts';
export { type HotKey, HotKeys } from './hot-keys.ts';
export { L1Cache } from './l1/l1-cache.ts';
export { createRedisClient, DEFAULT_CONNECTION_TUNING, type ConnectionTuning, type RedisTarget } from './l2/redis-connection.ts';
export { deadlineFor, type GuardLog, RedisGuard } from './l2/redis-guard.ts';
export { RedisTier } from './l2/redis-tier.ts';
export { FolderTier } from './l3/folder-tier.ts';
export {
  createObjectTier,
  type ObjectTierConfig,
  ObjectTierConfigError,
  type ObjectTierHost,
  parseObjectTierConfig,
} from './l3/object-tier-config.ts';
export { describeObjectTier, objectTierUrlFields, parseObjectTierUrl } from './l3/object-tier-url.ts';
export type { ObjectTier } from './l3/object-tier.ts';
export type { SimPolicy } from './sim/policies.ts';
export { hashedPolicies, POLICY_NAMES, runPolicy, type SimResult, simulate } from './sim/simulate.ts';
export { loadTrace, openTrace, type Trace, type TraceFormat } from './sim/trace-reader.ts';
export { RedisInvalidationBus } from './tiered/invalidation-bus.ts';
export { TieredCache } from './tiered/tiered-cache.ts';
export type { TieredStats } from './tiered/tiered-stats.ts';
