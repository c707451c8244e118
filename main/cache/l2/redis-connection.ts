import { Cluster, Redis } from 'ioredis';
import type { ClusterOptions, RedisOptions, SentinelAddress } from 'ioredis';

/**
 * TLS options as node:tls takes them, certificates as PEM text (the engine reads the files when it connects). Given,
 * every connection is TLS: to the one server, to every Cluster node, to the master and replicas and to the sentinels.
 */
export interface RedisTlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
}

/** Where the L2 Redis is: one server by URL, a Sentinel-managed master, or a Cluster. */
export type RedisTarget =
  | { kind: 'standalone'; url: string; tls?: RedisTlsOptions }
  | {
      kind: 'sentinel';
      sentinels: Array<Partial<SentinelAddress>>;
      name: string;
      username?: string;
      password?: string;
      sentinelPassword?: string;
      db?: number;
      tls?: RedisTlsOptions;
    }
  | { kind: 'cluster'; nodes: Array<{ host: string; port: number }>; username?: string; password?: string; tls?: RedisTlsOptions };

/** What differs between the cache's clients: the bus' subscriber re-subscribes itself. */
export interface ClientRole {
  /** false: the caller subscribes again after a reconnect (ioredis' own re-subscribe is a promise nobody awaits). */
  autoResubscribe?: boolean;
}

export interface ConnectionTuning {
  /** Ceiling on one command, in ms: the most a slow Redis may cost a caller. */
  commandTimeoutMs: number;
  /** Ceiling on a TCP connect, in ms. */
  connectTimeoutMs: number;
  /** The longest pause between reconnect attempts: how soon after Redis returns the tier can see it. */
  maxReconnectDelayMs: number;
}

/**
 * 500 ms, not less: the timeout also measures this process' own event loop, and a cold process's first large
 * burst of concurrent calls to a healthy local Redis can outlast a tighter timeout, which then opens the breaker
 * for nothing (docs/measurements.md). Keep bursts bounded (e.g. warm the cache in batches).
 */
export const DEFAULT_CONNECTION_TUNING: Readonly<ConnectionTuning> = {
  commandTimeoutMs: 500,
  connectTimeoutMs: 2_000,
  maxReconnectDelayMs: 1_000,
};

export type RedisClient = Redis | Cluster;

/**
 * Options shared by every node connection. The choices serve "an outage costs latency, never errors":
 * - no offline queue: while disconnected a command fails at once instead of waiting for a reconnect;
 * - `maxRetriesPerRequest: 1`: a command cut off by a dropped connection is not replayed many times;
 * - `commandTimeout`: a server that accepts but does not answer (stopped, swapping) costs a bounded wait;
 * - no auto-pipelining: each command is its own write. ioredis gathers a tick's commands into a `Pipeline`, and
 *   each `Pipeline` defines its `length` getter on itself, a closure of its own, so V8 gives every one a hidden class
 *   of its own; hidden classes live in the old generation, and that one holds the getter, the pipeline, its commands
 *   and their replies past every young-generation collection until the next full one: a GET and a SET per request
 *   at 1,500 requests/s promoted 2.2 MB/s, each megabyte bringing the next full collection nearer (ARCHITECTURE.md,
 *   "Garbage the young generation cannot free"). One write per command cost about the same CPU.
 * Reconnecting never stops (capped backoff): the circuit breaker, not the client, decides when to try.
 * Typed as written (`satisfies`), not as RedisOptions: ioredis' constructors take the reply mapping apart and
 * refuse an options type whose `replyMapping` may be undefined.
 */
function nodeOptions(tuning: ConnectionTuning) {
  return {
    commandTimeout: tuning.commandTimeoutMs,
    connectTimeout: tuning.connectTimeoutMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    enableAutoPipelining: false,
    retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 10), tuning.maxReconnectDelayMs),
  } satisfies RedisOptions;
}

/**
 * A master demoted by a failover answers writes with READONLY until Sentinel's CLIENT KILL reaches our connection:
 * reconnect at once, so that the sentinels are asked for the new master.
 */
const reconnectWhenReadOnly = (error: Error): boolean => error.message.startsWith('READONLY');

/** A `dnsLookup` that answers with the name itself (node:net resolves it when it connects). */
export function keepHostName(address: string, callback: (error: null, address: string) => void): void {
  callback(null, address);
}

export function createRedisClient(target: RedisTarget, tuning: ConnectionTuning, role: ClientRole = {}): RedisClient {
  const base = {
    ...nodeOptions(tuning),
    ...(role.autoResubscribe === false ? { autoResubscribe: false } : {}),
  };
  const user = target.kind !== 'standalone' && target.username !== undefined ? { username: target.username } : {};
  const tls = target.tls === undefined ? {} : { tls: { ...target.tls } };
  switch (target.kind) {
    case 'standalone':
      return new Redis(target.url, { ...base, ...tls });
    case 'sentinel':
      return new Redis({
        ...base,
        ...user,
        ...tls,
        // ioredis connects to the master it was told of in plain TCP unless asked; the sentinels get their own option.
        ...(target.tls === undefined ? {} : { enableTLSForSentinelMode: true, sentinelTLS: { ...target.tls } }),
        sentinels: target.sentinels,
        name: target.name,
        reconnectOnError: reconnectWhenReadOnly,
        ...(target.password !== undefined ? { password: target.password } : {}),
        ...(target.sentinelPassword !== undefined ? { sentinelPassword: target.sentinelPassword } : {}),
        ...(target.db !== undefined ? { db: target.db } : {}),
        sentinelRetryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 10), tuning.maxReconnectDelayMs),
      });
    case 'cluster': {
      const { retryStrategy, enableOfflineQueue, enableAutoPipelining, ...perNode } = base;
      const options = {
        enableOfflineQueue,
        enableAutoPipelining,
        clusterRetryStrategy: retryStrategy,
        // Over TLS, keep the seed nodes' host names: ioredis would resolve them to addresses and then check the
        // certificate against an address (ioredis' advice for TLS clusters behind names, e.g. ElastiCache).
        ...(target.tls === undefined ? {} : { dnsLookup: keepHostName }),
        redisOptions: { ...perNode, ...user, ...tls, ...(target.password !== undefined ? { password: target.password } : {}) },
      } satisfies ClusterOptions;
      return new Cluster(target.nodes, options);
    }
  }
}

/** The servers that hold keys: the masters in a Cluster, the one connection otherwise. */
export function keyHoldingNodes(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}
