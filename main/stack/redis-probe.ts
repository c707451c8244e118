import { Cluster, Redis } from 'ioredis';
import { classifyRedisConnectError, StackError } from './stack-errors.ts';
import { parseRedisUrl } from './redis-url.ts';
import type { RedisTopology } from './stack.ts';

/**
 * Connects once, PINGs (and SELECTs the database the URL names), and disconnects. Bounded: no reconnects, no
 * offline queue, and a deadline over the whole exchange, because ioredis would otherwise retry forever and a
 * silent server would hang the caller. Throws a classified StackError.
 */
export async function verifyRedis(url: string, timeoutMs: number): Promise<void> {
  const parsed = parseRedisUrl(url);
  const target = { ...parsed.target, timeoutMs };
  const redis = probeClient(parsed.topology, timeoutMs);
  // ioredis rejects connect() with a bare "Connection is closed."; the cause arrives as an `error` event.
  let lastError: unknown;
  redis.on('error', (error) => {
    lastError = error;
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis connect timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  const exchange = (async () => {
    await redis.connect();
    const pong = await redis.ping();
    if (pong !== 'PONG') throw new Error(`PING answered ${JSON.stringify(pong)}`);
    if (parsed.db !== undefined && redis instanceof Redis) await redis.select(parsed.db);
  })();
  // When the deadline wins, the exchange still settles later: keep that from becoming an unhandled rejection.
  exchange.catch(() => undefined);
  try {
    await Promise.race([exchange, deadline]);
  } catch (error) {
    const cause = lastError !== undefined && /Connection is closed/.test((error as Error).message) ? lastError : error;
    throw cause instanceof StackError ? cause : classifyRedisConnectError(cause, target);
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}

/**
 * A client that tries once: for Sentinel it asks the sentinels for the master and connects to it (a sentinel that
 * does not know the name fails the connect); for a Cluster it reads the slot map from a seed node and PINGs a node.
 */
function probeClient(topology: RedisTopology, timeoutMs: number): Redis | Cluster {
  const once = {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    reconnectOnError: () => false,
  } as const;
  switch (topology.kind) {
    case 'standalone':
      return new Redis(topology.url, once);
    case 'sentinel':
      return new Redis({
        ...once,
        sentinels: topology.sentinels,
        name: topology.masterName,
        sentinelRetryStrategy: () => null,
        ...(topology.username === undefined ? {} : { username: topology.username }),
        ...(topology.password === undefined ? {} : { password: topology.password }),
        ...(topology.sentinelPassword === undefined ? {} : { sentinelPassword: topology.sentinelPassword }),
        ...(topology.db === undefined ? {} : { db: topology.db }),
      });
    case 'cluster': {
      const { lazyConnect, enableOfflineQueue, retryStrategy, ...perNode } = once;
      return new Cluster(topology.nodes, {
        lazyConnect,
        enableOfflineQueue,
        clusterRetryStrategy: retryStrategy,
        redisOptions: {
          ...perNode,
          ...(topology.username === undefined ? {} : { username: topology.username }),
          ...(topology.password === undefined ? {} : { password: topology.password }),
        },
      });
    }
  }
}
