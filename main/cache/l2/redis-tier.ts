import { CircuitBreaker } from './circuit-breaker.ts';
import type { CircuitBreakerOptions } from './circuit-breaker.ts';
import { decodeValue, encodeValue } from './codec.ts';
import { deleteByPrefixOnNodes } from './delete-by-prefix.ts';
import type { DeleteByPrefixResult } from './delete-by-prefix.ts';
import { L2Stats } from './l2-stats.ts';
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
  /** SCAN COUNT and UNLINK batch size for deleteByPrefix. */
  deleteBatchSize?: number;
  /** Injectable for tests of the jitter. */
  random?: () => number;
}

/** Our own ceiling sits a little above ioredis' commandTimeout, so ioredis normally reports first. */
const DEADLINE_MARGIN_MS = 50;

type Outcome<T> = { ok: true; value: T } | { ok: false };
const FAILED: Outcome<never> = { ok: false };

class DeadlineExceeded extends Error {}

/**
 * The L2 tier: a Redis (standalone, Sentinel or Cluster) behind a circuit breaker. Its promises never
 * reject and never wait longer than the command timeout (plus a small margin): a slow or dead Redis makes
 * gets misses and sets no-ops, counted in the stats, while the breaker stops sending once it is sure.
 *
 * `undefined` is the miss, so it is not a cacheable value (set() ignores it); cache `null` for "known absent".
 */
export class RedisTier {
  private readonly client: RedisClient;
  private readonly breaker: CircuitBreaker;
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
    this.breaker = new CircuitBreaker(options.breaker);
    this.client = createRedisClient(options.target, this.tuning);
    // Without listeners, ioredis' connection errors would be unhandled 'error' events and crash the process.
    const remember = (error: Error): void => {
      this.lastError = error.message;
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
    const outcome = await this.guarded(() => this.client.set(this.options.keyPrefix + key, bytes, 'PX', jitterTtl(ttlMs, this.jitter, this.random)));
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
    const permit = this.breaker.acquire();
    if (!permit) {
      this.stats_.shortCircuited += 1;
      return { deleted: 0, complete: false, error: 'L2 circuit open' };
    }
    const nodes = keyHoldingNodes(this.client);
    const result = nodes.length === 0
      ? { deleted: 0, complete: false, error: 'no Redis node is known yet' }
      : await deleteByPrefixOnNodes(nodes, this.options.keyPrefix + prefix, this.options.deleteBatchSize ?? 500);
    if (result.complete) this.breaker.onSuccess(permit);
    else {
      this.stats_.errors += 1;
      this.breaker.onFailure(permit);
    }
    this.stats_.deletes += result.deleted;
    return result;
  }

  stats(): L2StatsSnapshot & { lastError?: string } {
    const snapshot = this.stats_.snapshot(this.breaker.state, this.breaker.transitionCount);
    return this.lastError === undefined ? snapshot : { ...snapshot, lastError: this.lastError };
  }

  /** Commands queued for the next auto-pipelined write: more than one means concurrent calls share round trips. */
  get autoPipelineQueueSize(): number {
    return this.client.autoPipelineQueueSize;
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

  private async guarded<T>(call: () => Promise<T>): Promise<Outcome<T>> {
    if (this.closed) return FAILED;
    const permit = this.breaker.acquire();
    if (!permit) {
      this.stats_.shortCircuited += 1;
      return FAILED;
    }
    const start = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const pending = call();
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DeadlineExceeded('L2 deadline exceeded')), this.tuning.commandTimeoutMs + DEADLINE_MARGIN_MS);
      });
      // When the deadline wins, the call still settles later; keep that from being an unhandled rejection.
      pending.catch(() => undefined);
      const value = await Promise.race([pending, deadline]);
      this.stats_.recordLatency(start, performance.now());
      this.breaker.onSuccess(permit);
      return { ok: true, value };
    } catch (error) {
      this.stats_.recordLatency(start, performance.now());
      this.stats_.errors += 1;
      this.lastError = (error as Error).message;
      this.breaker.onFailure(permit);
      return FAILED;
    } finally {
      clearTimeout(timer);
    }
  }
}
