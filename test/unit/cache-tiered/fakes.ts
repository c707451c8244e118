import type { ObjectTier } from '../../../main/cache/l3/object-tier.ts';
import type { InvalidationBus, InvalidationMessage } from '../../../main/cache/tiered/invalidation-bus.ts';
import type { L2Tier } from '../../../main/cache/tiered/tier-stack.ts';

/** A settable clock in epoch ms. */
export function fakeClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
}

/** In-memory L2 honouring TTLs on the fake clock; records what it was asked. */
export class FakeL2 implements L2Tier {
  readonly store = new Map<string, { value: unknown; expiresAt: number }>();
  readonly ttls = new Map<string, number>();
  gets = 0;
  failing = false;

  constructor(private readonly clock: () => number) {}

  async get(key: string): Promise<unknown> {
    this.gets += 1;
    if (this.failing) throw new Error('L2 down');
    const hit = this.store.get(key);
    if (hit === undefined || hit.expiresAt <= this.clock()) return undefined;
    return structuredClone(hit.value);
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    if (this.failing) throw new Error('L2 down');
    this.ttls.set(key, ttlMs);
    this.store.set(key, { value: structuredClone(value), expiresAt: this.clock() + ttlMs });
  }

  async delete(key: string): Promise<void> {
    this.store.delete(key);
  }

  async deleteByPrefix(prefix: string): Promise<{ deleted: number; complete: boolean }> {
    return { deleted: deleteWithPrefix(this.store, prefix), complete: true };
  }
}

function deleteWithPrefix(store: Map<string, unknown>, prefix: string): number {
  let deleted = 0;
  for (const key of [...store.keys()]) if (key.startsWith(prefix) && store.delete(key)) deleted += 1;
  return deleted;
}

/** In-memory object tier on the fake clock. */
export class FakeL3 implements ObjectTier {
  readonly store = new Map<string, { value: Buffer; expiresAt: number }>();
  gets = 0;

  constructor(private readonly clock: () => number) {}

  async get(key: string): Promise<Buffer | undefined> {
    this.gets += 1;
    const hit = this.store.get(key);
    if (hit === undefined || hit.expiresAt <= this.clock()) return undefined;
    return Buffer.from(hit.value);
  }

  async set(key: string, value: Buffer, ttlMs: number): Promise<void> {
    this.store.set(key, { value: Buffer.from(value), expiresAt: this.clock() + ttlMs });
  }

  async delete(key: string): Promise<void> {
    this.store.delete(key);
  }

  async deleteByPrefix(prefix: string): Promise<{ deleted: number; complete: boolean }> {
    return { deleted: deleteWithPrefix(this.store, prefix), complete: true };
  }
}

/** An in-process bus: every subscriber gets every message, as Redis pub/sub delivers it. */
export class MemoryBus implements InvalidationBus {
  private readonly handlers = new Set<(message: InvalidationMessage) => void>();
  readonly sent: InvalidationMessage[] = [];
  failing = false;

  async publish(message: InvalidationMessage): Promise<void> {
    if (this.failing) throw new Error('bus down');
    this.sent.push(message);
    for (const handler of this.handlers) handler(message);
  }

  subscribe(handler: (message: InvalidationMessage) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }
}

/** A promise to settle by hand. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
