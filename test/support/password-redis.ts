import { Redis } from 'ioredis';
import { startPrivateRedis, type PrivateRedis } from '../integration/cache-l2/private-redis-server.ts';

/** A private redis-server that requires `password` (set after start, so the start-up PING needs none). */
export async function startPasswordRedis(password: string): Promise<PrivateRedis> {
  const redis = await startPrivateRedis();
  const client = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    await client.config('SET', 'requirepass', password);
  } finally {
    client.disconnect();
  }
  return redis;
}
