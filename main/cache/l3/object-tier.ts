/**
 * The L3 tier: an object store for values too large to keep in memory or to ship through Redis on every
 * hit. It stores opaque bytes (the tiered cache hands it codec output), so a store never needs to know
 * the value types. `get` resolves undefined for a miss, and no method rejects: a broken store costs hit
 * rate, never a failed request.
 *
 * The local folder (`folder-tier.ts`) is the default implementation; an S3-compatible bucket
 * (`s3-tier.ts`) plugs in behind this same interface. `object-tier-config.ts` builds either from
 * validated configuration.
 */
export interface ObjectTier {
  get(key: string): Promise<Buffer | undefined>;
  set(key: string, value: Buffer, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Removes every key starting with prefix ('' = all); complete: false when part of the store was unreadable. */
  deleteByPrefix(prefix: string): Promise<{ deleted: number; complete: boolean }>;
  /** The store's own counters, passed through to the tiered cache's statistics. */
  stats?(): unknown;
  /** Whether the store answers, for a connection test: null when it does, else why not (no secret in it). */
  check?(): Promise<string | null>;
  /** Stops the store's own timers and connections (a folder's sweep, a client's sockets). */
  close?(): void | Promise<void>;
}
