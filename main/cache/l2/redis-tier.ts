import type { CircuitBreakerOptions } from './circuit-breaker.ts';
import { decodeValue, encodeValue } from './codec.ts';
import { deleteByPrefixOnNodes } from './delete-by-prefix.ts';
import type { DeleteByPrefixResult } from './delete-by-prefix.ts';
import { L2Stats } from './l2-stats.ts';
import { RedisGuard, deadlineFor } from './redis-guard.ts';
import type { GuardLog } from './redis-guard.ts';
import type { L2StatsSnapshot } from './l2-stats.ts';
import { jitterTtl } from './ttl-jitter.ts';
import { createRedisClient, DEFAULT_CONNECTION_TUNING, keyHoldingNodes } from './redis-connection.ts';
import type { ConnectionTuning, RedisClient, RedisTarget } from './redis-connection.ts';

export interface RedisTierOptions {
  target: RedisTarget;
  /** Every key lives under this (e.g. "hotpath:l2:"): deleteByPrefix('') then flushes only our keys. */
  keyPrefix: string;
  /** TTL when set() is given none. */
  defaultTtlMs: number;
  /** ±fraction of random spread on every TTL (0.1 = ±10%), so that keys set together do not expire together. */
  ttlJitter?: number;
  connection?: Partial<ConnectionTuning>;
  breaker?: Partial<CircuitBreakerOptions>;
  /**
   * The gate shared with the other clients of the same Redis (the invalidation bus); when absent the tier
   * makes its own from `breaker`, `name` and `log`.
   */
  guard?: RedisGuard;
  /** The server in log lines (a masked URL). */
  name?: string;
  /** Where the breaker's state changes are reported. */
  log?: GuardLog;
  /** SCAN COUNT and UNLINK batch size for deleteByPrefix. */
  deleteBatchSize?: number;
  /** Injectable for tests of the jitter. */
  random?: () => number;
}

/**
 * The L2 tier: a Redis (standalone, Sentinel or Cluster) behind a circuit breaker. Its promises never
 * reject and never wait longer than the command timeout (plus a small margin): a slow or dead Redis makes
 * gets misses and sets no-ops, counted in the stats, while the breaker stops sending once it is sure.
 *
 * `undefined` is the miss, so it is not a cacheable value (set() ignores it); cache `null` for "known absent".
 */
export class RedisTier {
  readonly guard: RedisGuard;
  private readonly client: RedisClient;
  private readonly stats_ = new L2Stats();
  private readonly tuning: ConnectionTuning;
  private readonly jitter: number;
  private readonly random: () => number;
  private lastError: string | undefined;
  private closed = false;

  constructor(private readonly options: RedisTierOptions) {
    this.tuning = { ...DEFAULT_CONNECTION_TUNING, ...options.connection };
    this.jitter = options.ttlJitter ?? 0;
    if (!(this.jitter >= 0 && this.jitter < 1)) throw new RangeError('ttlJitter must be in [0, 1)');
    if (!(options.defaultTtlMs > 0)) throw new RangeError('defaultTtlMs must be > 0');
    this.random = options.random ?? Math.random;
    this.guard =
      options.guard ??
      new RedisGuard({
        name: options.name ?? 'the L2',
        deadlineMs: deadlineFor(this.tuning.commandTimeoutMs),
        ...(options.breaker ? { breaker: options.breaker } : {}),
        ...(options.log ? { log: options.log } : {}),
      });
    this.client = createRedisClient(options.target, this.tuning);
    // Without listeners, ioredis' connection errors would be unhandled 'error' events and crash the process.
    const remember = (error: Error): void => {
      this.lastError = error.message;
      this.guard.noteConnectionError(error.message);
    };
    this.client.on('error', remember);
    this.client.on('node error', remember);
  }

  /** Resolves true once connected, false at the ceiling; the tier works either way (misses until connected). */
  async ready(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.client.status !== 'ready') {
      if (this.closed || Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return true;
  }

  async get(key: string): Promise<unknown> {
    const outcome = await this.guarded(() => this.client.getBuffer(this.options.keyPrefix + key));
    if (!outcome.ok || outcome.value === null) {
      this.stats_.misses += 1;
      return undefined;
    }
    this.stats_.bytesRead += outcome.value.length;
    const decoded = decodeValue(outcome.value);
    if (!decoded.ok || decoded.value === undefined) {
      this.stats_.decodeErrors += 1;
      this.stats_.misses += 1;
      return undefined;
    }
    this.stats_.hits += 1;
    return decoded.value;
  }

  async set(key: string, value: unknown, ttlMs: number = this.options.defaultTtlMs): Promise<void> {
    if (value === undefined) return;
    const bytes = encodeValue(value);
    const outcome = await this.guarded(() =>
      this.client.set(this.options.keyPrefix + key, bytes, 'PX', jitterTtl(ttlMs, this.jitter, this.random)),
    );
    if (!outcome.ok) return;
    this.stats_.sets += 1;
    this.stats_.bytesWritten += bytes.length;
  }

  async delete(key: string): Promise<void> {
    const outcome = await this.guarded(() => this.client.unlink(this.options.keyPrefix + key));
    if (outcome.ok) this.stats_.deletes += outcome.value;
  }

  /**
   * Removes every key under keyPrefix + prefix, on every master of a Cluster. Never rejects: an
   * incomplete run says so (complete: false), since an invalidation the caller believes done is worse
   * than one it knows to retry. Each command is bounded by the command timeout; the whole scan is not.
   */
  async deleteByPrefix(prefix = ''): Promise<DeleteByPrefixResult> {
    if (this.closed) return { deleted: 0, complete: false, error: 'L2 tier closed' };
    const nodes = keyHoldingNodes(this.client);
    if (nodes.length === 0) return { deleted: 0, complete: false, error: 'no Redis node is known yet' };
    // One permit for the walk; each SCAN and UNLINK batch within it has the deadline.
    let partial = 0;
    const outcome = await this.guard.call(
      async () => {
        const result = await deleteByPrefixOnNodes(
          nodes,
          this.options.keyPrefix + prefix,
          this.options.deleteBatchSize ?? 500,
          this.guard.deadlineMs,
        );
        partial = result.deleted;
        if (!result.complete) throw new Error(result.error ?? 'a node did not finish');
        return result;
      },
      { bounded: false, connected: this.client.status === 'ready' },
    );
    if (outcome.ok) {
      this.stats_.deletes += outcome.value.deleted;
      return outcome.value;
    }
    if (!outcome.attempted) {
      this.stats_.shortCircuited += 1;
      return { deleted: 0, complete: false, error: 'L2 circuit open' };
    }
    this.stats_.errors += 1;
    this.stats_.deletes += partial;
    this.lastError = this.guard.lastError;
    return { deleted: partial, complete: false, error: this.guard.lastError ?? 'a node did not finish' };
  }

  stats(): L2StatsSnapshot & { lastError?: string } {
    const snapshot = this.stats_.snapshot(this.guard.state, this.guard.breaker.transitionCount);
    return this.lastError === undefined ? snapshot : { ...snapshot, lastError: this.lastError };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.client.quit();
    } catch {
      // Not connected (the offline queue is off, so QUIT cannot wait): drop the socket instead.
    }
    this.client.disconnect();
  }

  private async guarded<T>(call: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
    if (this.closed) return { ok: false };
    const start = performance.now();
    const outcome = await this.guard.call(call, { connected: this.client.status === 'ready' });
    if (!outcome.ok && !outcome.attempted) {
      this.stats_.shortCircuited += 1;
      return outcome;
    }
    this.stats_.recordLatency(start, performance.now());
    if (!outcome.ok) {
      this.stats_.errors += 1;
      this.lastError = this.guard.lastError;
    }
    return outcome;
  }
}
