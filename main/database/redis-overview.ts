import { Cluster, type Redis } from 'ioredis';
import type { RedisBigKey, RedisNodeFigures, RedisOverview, RedisSlowEntry } from '../contract/database.ts';

/**
 * The Redis half of the Database page, what RedisInsight's overview and Slow Log and `redis-cli --memkeys` show:
 * INFO figures (memory, hit ratio, evictions), SLOWLOG GET, and the biggest keys. The biggest keys come from a
 * bounded SCAN (at most `scanBudget` keys, in batches of SCAN_COUNT) with MEMORY USAGE on each, pipelined: on a large
 * keyspace that is a sample, and the answer says how many keys it looked at. Nothing is written.
 *
 * It reads the servers that hold keys, through a client it is given (the engine builds it from the stack's topology,
 * the way the cache's L2 connects, and closes it): one standalone server; the master a Sentinel group names (the
 * answer says which); or every master of a Cluster, each read on its own: INFO figures per node and summed, the slow
 * logs merged newest first with the node of each entry, and the SCAN budget split evenly across the masters (a key
 * lives on one master only, so the samples do not overlap).
 *
 * Each part needs its own ACL permission (+info, +slowlog, +scan +type +memory, +dbsize; managed services may also
 * disable or rename commands): a part that is refused says which (and on which node), and the others still answer.
 * The page reads this every 30 s with a fresh client; SLOWLOG entries keep the command and key only.
 */

const SCAN_COUNT = 200;
const SLOWLOG_ENTRIES = 20;
const KEY_PREVIEW = 100;
/** How long the client may take to be ready (a Cluster: its slot map read) before the page says it cannot read Redis. */
const READY_TIMEOUT_MS = 5_000;

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
  // A batch cut short by the budget leaves keys unseen even when the cursor has gone round: not the whole keyspace.
  let cut = false;
  try {
    do {
      const [next, keys] = await redis.scan(cursor, 'COUNT', SCAN_COUNT);
      cursor = next;
      const batch = keys.slice(0, scanBudget - scanned);
      cut ||= batch.length < keys.length;
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
  return { keys: found, scanned, complete: cursor === '0' && !cut, error: null };
}

type Figures = Omit<RedisNodeFigures, 'node'>;

/** One server's INFO and DBSIZE figures, with its resident memory for summing the fragmentation ratio. */
async function figuresOf(redis: Redis): Promise<{ figures: Figures; rssBytes: number }> {
  const fields = info(await redis.info());
  const keys = await redis.dbsize();
  const hits = number(fields, 'keyspace_hits');
  const misses = number(fields, 'keyspace_misses');
  const fragmentation = Number(fields.get('mem_fragmentation_ratio'));
  return {
    rssBytes: number(fields, 'used_memory_rss'),
    figures: {
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
  };
}

const distinct = (values: string[]): string => [...new Set(values)].join(' / ');
const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

/**
 * A Cluster's masters as one: memory, hits, misses, evictions, keys, clients and ops summed (the hit ratio from the
 * summed hits and misses, the fragmentation ratio from the summed RSS and used memory); the youngest uptime; no limit
 * when any master has none; versions and eviction policies listed when they differ.
 */
export function summedFigures(nodes: Array<{ figures: Figures; rssBytes: number }>): Figures {
  const all = nodes.map((n) => n.figures);
  const total = (pick: (f: Figures) => number): number => sum(all.map(pick));
  const hits = total((f) => f.hits);
  const misses = total((f) => f.misses);
  const used = total((f) => f.usedMemoryBytes);
  const rss = sum(nodes.map((n) => n.rssBytes));
  return {
    version: distinct(all.map((f) => f.version)),
    uptimeSeconds: Math.min(...all.map((f) => f.uptimeSeconds)),
    usedMemoryBytes: used,
    peakMemoryBytes: total((f) => f.peakMemoryBytes),
    maxMemoryBytes: all.some((f) => f.maxMemoryBytes === 0) ? 0 : total((f) => f.maxMemoryBytes),
    evictionPolicy: distinct(all.map((f) => f.evictionPolicy)),
    fragmentationRatio: used > 0 && rss > 0 ? rss / used : null,
    hitRatio: hits + misses > 0 ? hits / (hits + misses) : null,
    hits,
    misses,
    evictedKeys: total((f) => f.evictedKeys),
    expiredKeys: total((f) => f.expiredKeys),
    connectedClients: total((f) => f.connectedClients),
    opsPerSecond: total((f) => f.opsPerSecond),
    keys: total((f) => f.keys),
  };
}

/** Resolves once `client` is ready (a Cluster: its slot map read); rejects with its last error after `timeoutMs`. */
async function ready(client: Redis | Cluster, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  let lastError: Error | undefined;
  const onError = (error: Error): void => {
    lastError = error;
  };
  client.on('error', onError);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(lastError ?? new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
      client.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  } finally {
    client.off('error', onError);
  }
}

/** host:port of the server a (Sentinel-directed) connection reached. */
function remoteOf(redis: Redis): string {
  const { remoteAddress, remotePort } = redis.stream ?? {};
  if (remoteAddress === undefined) return `${redis.options.host ?? '?'}:${redis.options.port ?? '?'}`;
  return remoteAddress.includes(':') ? `[${remoteAddress}]:${remotePort}` : `${remoteAddress}:${remotePort}`;
}

interface KeyHolder {
  redis: Redis;
  /** host:port; null for a standalone server (its URL says where it is). */
  node: string | null;
}

function keyHolders(client: Redis | Cluster): { topology: 'standalone' | 'sentinel' | 'cluster'; holders: KeyHolder[] } {
  if (client instanceof Cluster) {
    const masters = client.nodes('master').map((redis) => ({ redis, node: `${redis.options.host}:${redis.options.port}` }));
    return { topology: 'cluster', holders: masters.sort((a, b) => a.node.localeCompare(b.node, 'en', { numeric: true })) };
  }
  if ((client.options.sentinels?.length ?? 0) > 0) return { topology: 'sentinel', holders: [{ redis: client, node: remoteOf(client) }] };
  return { topology: 'standalone', holders: [{ redis: client, node: null }] };
}

/** "host:port: " before a part's error when several servers answer for it. */
const on = (holder: KeyHolder, many: boolean, text: string): string => (many && holder.node ? `${holder.node}: ${text}` : text);
const withNode = <T extends object>(item: T, node: string | null): T => (node ? { ...item, node } : item);

async function mergedSlowlog(holders: KeyHolder[]): Promise<RedisOverview['slowlog']> {
  const many = holders.length > 1;
  const parts = await Promise.all(
    holders.map(async (holder) => {
      try {
        const raw = (await holder.redis.call('SLOWLOG', 'GET', String(SLOWLOG_ENTRIES))) as SlowlogRaw[];
        return { entries: raw.map((r) => withNode(slowEntry(r), holder.node)), error: null };
      } catch (error) {
        return { entries: [], error: on(holder, many, refusal('SLOWLOG GET', '+slowlog', error)) };
      }
    }),
  );
  const entries = parts
    .flatMap((p) => p.entries)
    .sort((a, b) => b.at - a.at || b.id - a.id)
    .slice(0, SLOWLOG_ENTRIES);
  const errors = parts.flatMap((p) => (p.error === null ? [] : [p.error]));
  return { entries, error: errors.length > 0 ? errors.join(' ') : null };
}

async function mergedBiggestKeys(holders: KeyHolder[], limit: number, scanBudget: number): Promise<RedisOverview['bigKeys']> {
  const many = holders.length > 1;
  // An even split, the remainder to the first masters: every master gets looked at, none hogs the budget.
  const share = (i: number): number => Math.floor(scanBudget / holders.length) + (i < scanBudget % holders.length ? 1 : 0);
  const parts = await Promise.all(
    holders.map(async (holder, i) => {
      const part = await biggestKeys(holder.redis, limit, share(i));
      return { ...part, keys: part.keys.map((k) => withNode(k, holder.node)), error: part.error && on(holder, many, part.error) };
    }),
  );
  const keys = parts
    .flatMap((p) => p.keys)
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, limit);
  const errors = parts.flatMap((p) => (p.error === null ? [] : [p.error]));
  return {
    keys,
    scanned: sum(parts.map((p) => p.scanned)),
    complete: parts.every((p) => p.complete),
    error: errors.length > 0 ? errors.join(' ') : null,
  };
}

/** The answer when nothing could be read. */
export function unreadableRedis(reason: string): RedisOverview {
  return {
    available: false,
    reason,
    server: null,
    slowlog: { entries: [], error: null },
    bigKeys: { keys: [], scanned: 0, complete: false, error: null },
  };
}

/**
 * Reads the overview through `client` (a standalone or Sentinel-directed connection, or a Cluster), which the caller
 * made and closes; `displayUrl` is what the answer shows.
 */
export async function readRedisOverview(
  client: Redis | Cluster,
  displayUrl: string,
  options: { keys: number; scanBudget: number; readyTimeoutMs?: number },
): Promise<RedisOverview> {
  try {
    await ready(client, options.readyTimeoutMs ?? READY_TIMEOUT_MS);
  } catch (error) {
    return unreadableRedis(`Could not read Redis at ${displayUrl}: ${(error as Error).message}`);
  }
  const { topology, holders } = keyHolders(client);
  if (holders.length === 0) return unreadableRedis(`Could not read Redis at ${displayUrl}: the Cluster names no master.`);
  const many = holders.length > 1;
  const figures: Array<{ figures: Figures; rssBytes: number }> = [];
  for (const holder of holders) {
    try {
      figures.push(await figuresOf(holder.redis));
    } catch (error) {
      const reason = refusal('INFO and DBSIZE', '+info +dbsize', error);
      return { ...unreadableRedis(on(holder, many, reason)), topology };
    }
  }
  const [slowlog, bigKeys] = await Promise.all([mergedSlowlog(holders), mergedBiggestKeys(holders, options.keys, options.scanBudget)]);
  const server = { displayUrl, ...(topology === 'cluster' ? summedFigures(figures) : figures[0]!.figures) };
  return {
    available: true,
    reason: null,
    server,
    slowlog,
    bigKeys,
    topology,
    ...(topology === 'standalone' ? {} : { nodes: holders.map((h, i) => ({ node: h.node ?? '?', ...figures[i]!.figures })) }),
  };
}
