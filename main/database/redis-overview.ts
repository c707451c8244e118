import { Redis } from 'ioredis';
import type { RedisBigKey, RedisOverview, RedisSlowEntry } from '../contract/database.ts';

/**
 * The Redis half of the Database page, what RedisInsight's overview and Slow Log and `redis-cli --memkeys` show:
 * INFO figures (memory, hit ratio, evictions), SLOWLOG GET, and the biggest keys. The biggest keys come from a
 * bounded SCAN (at most `scanBudget` keys, in batches of SCAN_COUNT) with MEMORY USAGE on each, pipelined: on a large
 * keyspace that is a sample, and the answer says how many keys it looked at. Nothing is written.
 *
 * Each part needs its own ACL permission (+info, +slowlog, +scan +type +memory, +dbsize; managed services may also
 * disable or rename commands): a part that is refused says which, and the others still answer. A short-lived
 * connection per read: the page reads this every 30 s, and nothing is left open when the stack goes. Only a
 * standalone server is read (its redis:// or rediss:// URL); SLOWLOG entries keep the command and key only.
 */

const SCAN_COUNT = 200;
const SLOWLOG_ENTRIES = 20;
const KEY_PREVIEW = 100;
const CONNECT_TIMEOUT_MS = 5_000;

function info(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** Says what a refused command needs, from Redis's NOPERM or unknown-command error. */
function refusal(what: string, permission: string, error: unknown): string {
  const message = (error as Error).message ?? String(error);
  if (/NOPERM/i.test(message))
    return `The Redis user may not run ${what} (${message}). An admin runs ACL SETUSER <user> ${permission} to allow it.`;
  if (/unknown command|disabled/i.test(message))
    return `This Redis does not offer ${what} (${message}): managed services may disable or rename it.`;
  return `${what} failed: ${message}`;
}

function number(fields: Map<string, string>, key: string): number {
  const value = Number(fields.get(key));
  return Number.isFinite(value) ? value : 0;
}

type SlowlogRaw = [number, number, number, string[], string?, string?];

export function slowEntry(raw: SlowlogRaw): RedisSlowEntry {
  const [id, seconds, micros, args, client, name] = raw;
  const key = args[1];
  return {
    id,
    at: seconds * 1000,
    durationMicros: micros,
    command: (args[0] ?? '').toUpperCase(),
    key: key === undefined ? null : key.length > KEY_PREVIEW ? `${key.slice(0, KEY_PREVIEW - 1)}…` : key,
    moreArgs: Math.max(0, args.length - 2),
    client: name ? `${client ?? '?'} (${name})` : (client ?? null),
  };
}

async function biggestKeys(
  redis: Redis,
  limit: number,
  scanBudget: number,
): Promise<{ keys: RedisBigKey[]; scanned: number; complete: boolean; error: string | null }> {
  const found: RedisBigKey[] = [];
  let cursor = '0';
  let scanned = 0;
  try {
    do {
      const [next, keys] = await redis.scan(cursor, 'COUNT', SCAN_COUNT);
      cursor = next;
      const batch = keys.slice(0, scanBudget - scanned);
      scanned += batch.length;
      if (batch.length === 0) continue;
      const pipeline = redis.pipeline();
      for (const key of batch) pipeline.memory('USAGE', key).type(key);
      const results = (await pipeline.exec()) ?? [];
      batch.forEach((key, i) => {
        const [usageError, bytes] = results[i * 2] ?? [null, null];
        const [, type] = results[i * 2 + 1] ?? [null, null];
        if (usageError) throw usageError;
        // A key that expired between SCAN and MEMORY USAGE answers nil.
        if (typeof bytes === 'number') found.push({ key, type: typeof type === 'string' ? type : '?', bytes });
      });
      found.sort((a, b) => b.bytes - a.bytes);
      found.length = Math.min(found.length, limit);
    } while (cursor !== '0' && scanned < scanBudget);
  } catch (error) {
    return { keys: [], scanned, complete: false, error: refusal('SCAN, TYPE and MEMORY USAGE', '+scan +type +memory', error) };
  }
  return { keys: found, scanned, complete: cursor === '0', error: null };
}

/** Reads the overview of the Redis at `url` (`displayUrl` is what the answer shows). */
export async function readRedisOverview(
  url: string,
  displayUrl: string,
  options: { keys: number; scanBudget: number },
): Promise<RedisOverview> {
  const empty = { slowlog: { entries: [], error: null }, bigKeys: { keys: [], scanned: 0, complete: false, error: null } };
  if (!/^rediss?:\/\//i.test(url)) {
    return {
      available: false,
      reason: `The Redis section reads one standalone server (a redis:// or rediss:// URL); this stack's Redis is ${displayUrl}.`,
      server: null,
      ...empty,
    };
  }
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    connectionName: 'hotpath-overview',
  });
  redis.on('error', () => undefined); // reported through the commands' rejections
  try {
    await redis.connect();
    let fields: Map<string, string>;
    let keys: number;
    try {
      fields = info(await redis.info());
      keys = await redis.dbsize();
    } catch (error) {
      return { available: false, reason: refusal('INFO and DBSIZE', '+info +dbsize', error), server: null, ...empty };
    }
    const hits = number(fields, 'keyspace_hits');
    const misses = number(fields, 'keyspace_misses');
    const fragmentation = Number(fields.get('mem_fragmentation_ratio'));
    let slowlog: RedisOverview['slowlog'];
    try {
      const raw = (await redis.call('SLOWLOG', 'GET', String(SLOWLOG_ENTRIES))) as SlowlogRaw[];
      slowlog = { entries: raw.map(slowEntry), error: null };
    } catch (error) {
      slowlog = { entries: [], error: refusal('SLOWLOG GET', '+slowlog', error) };
    }
    return {
      available: true,
      reason: null,
      server: {
        displayUrl,
        version: fields.get('redis_version') ?? '?',
        uptimeSeconds: number(fields, 'uptime_in_seconds'),
        usedMemoryBytes: number(fields, 'used_memory'),
        peakMemoryBytes: number(fields, 'used_memory_peak'),
        maxMemoryBytes: number(fields, 'maxmemory'),
        evictionPolicy: fields.get('maxmemory_policy') ?? '?',
        fragmentationRatio: Number.isFinite(fragmentation) ? fragmentation : null,
        hitRatio: hits + misses > 0 ? hits / (hits + misses) : null,
        hits,
        misses,
        evictedKeys: number(fields, 'evicted_keys'),
        expiredKeys: number(fields, 'expired_keys'),
        connectedClients: number(fields, 'connected_clients'),
        opsPerSecond: number(fields, 'instantaneous_ops_per_sec'),
        keys,
      },
      slowlog,
      bigKeys: await biggestKeys(redis, options.keys, options.scanBudget),
    };
  } catch (error) {
    return { available: false, reason: `Could not read Redis at ${displayUrl}: ${(error as Error).message}`, server: null, ...empty };
  } finally {
    redis.disconnect();
  }
}
