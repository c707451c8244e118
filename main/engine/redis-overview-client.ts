import { createRedisClient, type ConnectionTuning } from '../cache/index.ts';
import type { RedisOverview } from '../contract/database.ts';
import { readRedisOverview, unreadableRedis } from '../database/index.ts';
import { redisTopologyOf, type Stack } from '../stack/index.ts';
import { redisTarget } from './cache-session.ts';

/**
 * The Database page's Redis section on the stack's Redis, whatever its topology: the client is built the one way the
 * cache's L2 builds its own (topology → `redisTarget`, which reads the TLS certificate files → `createRedisClient`),
 * so a Sentinel group, a Cluster and `rediss://…?tls_ca=…` reach the same servers with the same certificates. A fresh
 * client per read (the page asks every 30 s), closed before the answer returns.
 */

/** Looser than the cache's: a MEMORY USAGE pipeline of a SCAN batch on a large server may take more than 500 ms. */
const OVERVIEW_TUNING: ConnectionTuning = { commandTimeoutMs: 5_000, connectTimeoutMs: 5_000, maxReconnectDelayMs: 1_000 };

export async function readStackRedisOverview(
  redis: NonNullable<Stack['redis']>,
  options: { keys: number; scanBudget: number },
): Promise<RedisOverview> {
  let client: ReturnType<typeof createRedisClient>;
  try {
    client = createRedisClient(redisTarget(redisTopologyOf(redis)), OVERVIEW_TUNING);
  } catch (error) {
    // A certificate file gone since the stack was verified (readRedisTls' StackError says which).
    return unreadableRedis(`Could not read Redis at ${redis.displayUrl}: ${(error as Error).message}`);
  }
  client.on('error', () => undefined); // reported through readiness and the commands' rejections
  try {
    return await readRedisOverview(client, redis.displayUrl, options);
  } finally {
    client.disconnect();
  }
}
