import { Redis } from 'ioredis';

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
  url: string;
  /** One channel per cache namespace, e.g. "hotpath:l1-invalidate". */
  channel: string;
  /** Ceiling on one publish, in ms. */
  commandTimeoutMs?: number;
}

/**
 * The bus on Redis pub/sub. Two connections, because a subscribed connection can issue nothing but
 * (un)subscribe commands. No offline queue on the publisher: while Redis is away a publish fails at once
 * (and is counted) instead of piling up. The subscriber reconnects and resubscribes by itself (ioredis).
 */
export class RedisInvalidationBus implements InvalidationBus {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new Set<(message: InvalidationMessage) => void>();
  published = 0;
  received = 0;
  errors = 0;
  lastError: string | undefined;

  constructor(private readonly options: RedisInvalidationBusOptions) {
    const retryStrategy = (times: number): number => Math.min(50 * 2 ** Math.min(times, 10), 1_000);
    this.publisher = new Redis(options.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: options.commandTimeoutMs ?? 500, retryStrategy });
    this.subscriber = new Redis(options.url, { maxRetriesPerRequest: null, retryStrategy });
    // Without listeners, connection errors would be unhandled 'error' events and crash the process.
    const remember = (error: Error): void => {
      this.lastError = error.message;
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
    this.subscriber.subscribe(options.channel).catch((error: Error) => remember(error));
  }

  /** Resolves true once both connections are up and the channel is subscribed, false at the ceiling. */
  async ready(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.publisher.status !== 'ready' || this.subscriber.status !== 'ready') {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return true;
  }

  async publish(message: InvalidationMessage): Promise<void> {
    try {
      await this.publisher.publish(this.options.channel, JSON.stringify(message));
      this.published += 1;
    } catch (error) {
      this.errors += 1;
      this.lastError = (error as Error).message;
    }
  }

  subscribe(handler: (message: InvalidationMessage) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
    for (const client of [this.publisher, this.subscriber]) {
      // QUIT on a connection that is not up would wait in the offline queue for a Redis that may never come.
      if (client.status === 'ready') await client.quit().catch(() => undefined);
      client.disconnect();
    }
  }
}
