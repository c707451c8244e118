import { RedisGuard, deadlineFor } from '../l2/redis-guard.ts';
import { createRedisClient, DEFAULT_CONNECTION_TUNING } from '../l2/redis-connection.ts';
import type { RedisClient, RedisTarget } from '../l2/redis-connection.ts';
import type { GuardOutcome } from '../l2/redis-guard.ts';

/**
 * Tells other instances to drop keys from their L1. L2 and L3 are shared, so the instance that deletes
 * clears them itself; only the in-process L1 of every other instance needs a message. Delivery is best
 * effort (Redis pub/sub has no replay): a missed message leaves a stale L1 entry until its TTL, which is
 * why L1 TTLs should stay short.
 */
export type InvalidationMessage = { origin: string; keys: string[] } | { origin: string; prefix: string };

export interface InvalidationBus {
  /** Never rejects: a bus outage must not fail the delete that triggered it. */
  publish(message: InvalidationMessage): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(handler: (message: InvalidationMessage) => void): () => void;
}

/** Accepts only well-formed messages: the channel is shared, and a stray publisher must not crash us. */
export function parseInvalidation(text: string): InvalidationMessage | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { origin, keys, prefix } = parsed as Record<string, unknown>;
  if (typeof origin !== 'string') return undefined;
  if (Array.isArray(keys) && keys.every((key) => typeof key === 'string')) return { origin, keys: keys as string[] };
  if (typeof prefix === 'string') return { origin, prefix };
  return undefined;
}

export interface RedisInvalidationBusOptions {
  /** One standalone server; `target` instead for Sentinel or Cluster. */
  url?: string;
  /** Where the Redis is (the L2 tier's target): wins over `url`. */
  target?: RedisTarget;
  /** One channel per cache namespace, e.g. "hotpath:l1-invalidate". */
  channel: string;
  /** Ceiling on one publish or subscribe, in ms, when the bus makes its own guard. */
  commandTimeoutMs?: number;
  /** The gate of the same Redis' L2 tier, so that one outage opens one breaker; absent: the bus has its own. */
  guard?: RedisGuard;
}

/**
 * The bus on Redis pub/sub. Two connections, because a subscribed connection can issue nothing but
 * (un)subscribe commands. No offline queue on either: while Redis is away a call fails at once (and is
 * counted) instead of piling up. PUBLISH and SUBSCRIBE go through the guard (breaker + deadline); the
 * subscriber subscribes each time its connection is ready, so a channel is back after any reconnect.
 */
export class RedisInvalidationBus implements InvalidationBus {
  readonly guard: RedisGuard;
  private readonly publisher: RedisClient;
  private readonly subscriber: RedisClient;
  private readonly handlers = new Set<(message: InvalidationMessage) => void>();
  private subscribed = false;
  private closed = false;
  published = 0;
  received = 0;
  /** Publishes and subscribes that reached Redis and failed (or got no answer in time). */
  errors = 0;
  /** Publishes and subscribes the open breaker answered without touching Redis. */
  shortCircuited = 0;
  lastError: string | undefined;

  constructor(private readonly options: RedisInvalidationBusOptions) {
    const timeoutMs = options.commandTimeoutMs ?? 500;
    this.guard = options.guard ?? new RedisGuard({ name: 'the invalidation bus', deadlineMs: deadlineFor(timeoutMs) });
    const target: RedisTarget | undefined =
      options.target ?? (options.url === undefined ? undefined : { kind: 'standalone', url: options.url });
    if (target === undefined) throw new TypeError('RedisInvalidationBus needs a url or a target');
    // The cache's connection settings (no offline queue, one retry, capped reconnect backoff), this command timeout.
    const tuning = { ...DEFAULT_CONNECTION_TUNING, commandTimeoutMs: timeoutMs };
    this.publisher = createRedisClient(target, tuning);
    // No autoResubscribe: the bus subscribes again itself on 'ready', through the guard. ioredis' own re-subscribe
    // is a promise nobody awaits, so a connection lost again at that moment was an unhandled rejection. (A Cluster's
    // subscriber connection moves to another node by itself and takes its channels along.)
    this.subscriber = createRedisClient(target, tuning, { autoResubscribe: false });
    // Without listeners, connection errors would be unhandled 'error' events and crash the process.
    const remember = (error: Error): void => {
      this.lastError = error.message;
      this.guard.noteConnectionError(error.message);
    };
    this.publisher.on('error', remember);
    this.subscriber.on('error', remember);
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel !== options.channel) return;
      const message = parseInvalidation(text);
      if (message === undefined) return;
      this.received += 1;
      for (const handler of this.handlers) handler(message);
    });
    this.subscriber.on('ready', () => void this.subscribe_());
    this.subscriber.on('close', () => {
      this.subscribed = false;
    });
  }

  /** Resolves true once both connections are up and the channel is subscribed, false at the ceiling. */
  async ready(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.publisher.status !== 'ready' || !this.subscribed) {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return true;
  }

  async publish(message: InvalidationMessage): Promise<void> {
    if (this.closed) return;
    const outcome = await this.guard.call(() => this.publisher.publish(this.options.channel, JSON.stringify(message)), {
      connected: this.publisher.status === 'ready',
    });
    this.count(outcome);
    if (outcome.ok) this.published += 1;
  }

  subscribe(handler: (message: InvalidationMessage) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
    for (const client of [this.publisher, this.subscriber]) {
      // QUIT on a connection that is not up would fail at once (no offline queue): drop the socket then.
      if (client.status === 'ready') await client.quit().catch(() => undefined);
      client.disconnect();
    }
  }

  /**
   * SUBSCRIBE on a (re)connected subscriber. Refused by the open breaker or failed, it is tried again a
   * little later while the connection is up: messages missed meanwhile are what L1's maxTtl bounds.
   */
  private async subscribe_(): Promise<void> {
    if (this.closed || this.subscribed || this.subscriber.status !== 'ready') return;
    const outcome = await this.guard.call(() => this.subscriber.subscribe(this.options.channel), {
      connected: this.subscriber.status === 'ready',
    });
    this.count(outcome);
    if (outcome.ok) this.subscribed = true;
    // Tried again when the breaker could next let a call through: sooner would only be short-circuited again.
    else setTimeout(() => void this.subscribe_(), this.guard.coolDownMs).unref();
  }

  private count(outcome: GuardOutcome<unknown>): void {
    if (outcome.ok) return;
    if (outcome.attempted) {
      this.errors += 1;
      this.lastError = this.guard.lastError;
    } else {
      this.shortCircuited += 1;
    }
  }
}
