import type pg from 'pg';

/**
 * A running PostgreSQL (+ optional Redis) the engine works against: either the embedded local demo stack or
 * the user's own servers. Every host (Electron, headless server, CLI) gets one of these and hands `pg` to its
 * pools and `redis.url` to its L2 cache; nothing else about how the stack was obtained leaks out.
 */
export interface Stack {
  kind: 'local' | 'remote';
  /** What pools connect with (password included: never log it, show `pgDisplayUrl` instead). */
  pg: pg.ClientConfig;
  /** The connection as a URL with the password masked, for the UI and logs. */
  pgDisplayUrl: string;
  /** `null` when no Redis is available: the L2 tier is then disabled (see `notices`). */
  redis: StackRedis | null;
  /** Read replicas of the primary, in the order given (`replica-1`, `replica-2`, …); empty for the local stack. */
  replicas: StackReplica[];
  /**
   * What checking each replica found, in the order given (every replica, the failed ones too); present when the
   * stack was opened with `replicaFailures: 'report'` (a connection test), absent otherwise.
   */
  replicaChecks?: ReplicaCheck[];
  capabilities: StackCapabilities;
  /** Things the operator should know that do not stop the console from working (missing Redis, ...). */
  notices: StackNotice[];
  /** The server processes this stack runs itself (the local stack's PostgreSQL and Redis), for resource telemetry; empty for a remote stack. */
  processes: StackProcess[];
  /** Releases everything the stack holds; for the local stack, stops its processes and waits until they are gone. Idempotent. */
  stop(): Promise<void>;
}

export interface StackProcess {
  name: 'postgres' | 'redis';
  pid: number;
}

/** A read replica (a hot standby, or any server with the primary's schema) the workload's reads may go to. */
export interface StackReplica {
  /** `replica-1`, `replica-2`, … in the order given: the `server` label of the pool metrics. */
  name: string;
  /** What its pools connect with (password included: never log it, show `displayUrl` instead). */
  pg: pg.ClientConfig;
  /** The connection as a URL with the password masked. */
  displayUrl: string;
}

/** One replica as a connection test found it: reachable (in recovery or not, its version) or not (its error). */
export interface ReplicaCheck {
  name: string;
  displayUrl: string;
  /** null when it could not be checked (see `error`). */
  inRecovery: boolean | null;
  /** `server_version_num`; null when it could not be checked. */
  serverVersion: number | null;
  /** Why it could not be used (passwords masked); null when it works. */
  error: { code: string; message: string; hint: string } | null;
}

export interface StackRedis {
  /** ioredis URL (password included); for Sentinel and Cluster the redis+sentinel:// or redis+cluster:// form it was given as. */
  url: string;
  /** The same URL with the password masked. */
  displayUrl: string;
  /** Where the servers are, parsed from `url` (passwords included); absent: one standalone server at `url`. */
  topology?: RedisTopology;
}

export interface RedisNodeAddress {
  host: string;
  port: number;
}

/**
 * One Redis server, a Sentinel-managed master (found by asking the sentinels for `masterName`), or a Cluster (found
 * from any of its seed `nodes`). `password` is the data servers' (the master's and replicas', every Cluster node's);
 * `sentinelPassword` the sentinels' own, when they have one.
 */
export type RedisTopology =
  | { kind: 'standalone'; url: string; tls?: RedisTlsFiles }
  | {
      kind: 'sentinel';
      sentinels: RedisNodeAddress[];
      masterName: string;
      username?: string;
      password?: string;
      sentinelPassword?: string;
      db?: number;
      tls?: RedisTlsFiles;
    }
  | { kind: 'cluster'; nodes: RedisNodeAddress[]; username?: string; password?: string; tls?: RedisTlsFiles };

/**
 * TLS to Redis (rediss://, rediss+sentinel://, rediss+cluster://; present means TLS is on): certificate files by
 * path, read when a connection is made (`readRedisTls`), never their contents, so a topology can be logged and saved.
 * Without `ca` the system's trust store applies. For Sentinel the same settings apply to the sentinels.
 */
export interface RedisTlsFiles {
  /** PEM file of the CA(s) that sign the servers' certificates (`tls_ca`). */
  ca?: string;
  /** Client certificate and key files (`tls_cert`, `tls_key`), for servers with tls-auth-clients yes. */
  cert?: string;
  key?: string;
  /** The name to check the certificate against (and send as SNI) instead of the host connected to (`tls_servername`). */
  servername?: string;
}

export interface StackCapabilities {
  /** `server_version_num`, e.g. 150019 for 15.19, 180004 for 18.4. */
  serverVersion: number;
  /** `pg_stat_statements` is preloaded, created in the database and readable: the index advisor and statement stats work. */
  pgStatStatements: boolean;
}

export type StackNoticeCode =
  | 'redis-not-found'
  | 'redis-off'
  | 'redis-not-configured'
  | 'pg-stat-statements-not-preloaded'
  | 'pg-stat-statements-not-created'
  | 'pg-stat-statements-unreadable'
  | 'ignored-url-parameters'
  | 'password-file-ignored'
  | 'tls-fallback'
  | 'missing-privilege'
  | 'replica-not-in-recovery';

/** Notices about the L2 cache tier only: they say nothing to an engine that runs without a cache (optimize). */
export function isCacheTierNotice(code: StackNoticeCode): boolean {
  return code === 'redis-off' || code === 'redis-not-found' || code === 'redis-not-configured';
}

export interface StackNotice {
  code: StackNoticeCode;
  /** What is the case, in one sentence. */
  message: string;
  /** What the operator can do about it. */
  hint: string;
}

/** A step of starting a stack, for progress displays ("starting PostgreSQL"). */
export interface StackProgress {
  step: string;
  message: string;
}

export type StackProgressListener = (progress: StackProgress) => void;
