import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { compress, decompress, DEFAULT_BROTLI_QUALITY } from './compression.ts';
import type { Compression } from './compression.ts';
import type { ObjectTierCounters } from './folder-tier.ts';
import type { ObjectTier } from './object-tier.ts';
import { decodeMeta, encodeMeta, ObjectLayout } from './s3-object-layout.ts';
import type { ObjectMeta } from './s3-object-layout.ts';

// The SDK warns on stderr, once per process and at its first client, that releases after January 2027
// will need Node 22: news for whoever upgrades the SDK, noise in a console's output. Set at import, so
// it also covers clients made before the first tier; an explicit 'false' keeps the warning.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface S3TierOptions {
  bucket: string;
  /** Default 'hotpath-cache/': the tier owns everything under it (a prefix delete of '' empties it). */
  prefix?: string;
  /** For S3-compatible servers (MinIO, Ceph, R2 …); absent = AWS. */
  endpoint?: string;
  /** Default AWS_REGION, else 'us-east-1' (what S3-compatible servers usually expect). */
  region?: string;
  /** Most S3-compatible servers need path-style URLs (no bucket DNS names). */
  forcePathStyle?: boolean;
  /** Absent = the SDK's default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profiles, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Default 'brotli'; objects written with the other stay readable (their metadata says which). */
  compression?: Compression;
  brotliQuality?: number;
  /** Bound on one operation, retries and body included; default 2000 ms. A cache read slower than this is worth less than a miss. */
  timeoutMs?: number;
  /** Default 2: one retry for a dropped connection, no long retry storms behind a request. */
  maxAttempts?: number;
  /** ListObjectsV2 page size, at most 1000 (S3's cap, and DeleteObjects' batch limit); default 1000. */
  listPageSize?: number;
  /** HEADs in flight at once while scanning hashed (long-key) objects; default 8. */
  headConcurrency?: number;
  /** Milliseconds; injectable for tests. Default `Date.now`. */
  clock?: () => number;
  /** How often a sweep step runs (see `sweep`); 0 = never (call `sweep()`). Default S3_SWEEP_INTERVAL_MS. */
  sweepIntervalMs?: number;
  /** Objects listed per sweep page, at most 1000; default S3_SWEEP_PAGE_SIZE. */
  sweepPageSize?: number;
  /** Pages one sweep step lists (each followed by a HEAD per listed object of ours); default S3_SWEEP_PAGES_PER_TICK. */
  sweepPagesPerTick?: number;
  /** Background work's gate (the engine's memory manager pauses it under pressure): the sweep waits on it before each page. */
  gate?: { whenRunning(): Promise<void> };
}

/**
 * The sweep's pace. Listings carry names but no metadata, so each object of ours costs a HEAD to learn its
 * expiry: a step costs at most PAGES_PER_TICK × (1 LIST + PAGE_SIZE HEADs), and one pass over N objects takes
 * N / (PAGE_SIZE × PAGES_PER_TICK) steps. Expired objects cost storage only (a get never serves one), so the
 * pace favours a bounded request rate over a prompt pass.
 */
export const S3_SWEEP_INTERVAL_MS = 60_000;
export const S3_SWEEP_PAGE_SIZE = 200;
export const S3_SWEEP_PAGES_PER_TICK = 2;

/** What one sweep step did. */
export interface S3SweepStep {
  /** Objects listed under the tier prefix. */
  listed: number;
  /** Expired objects of ours deleted. */
  removed: number;
  /** The step reached the end of the prefix: the next one starts a new pass from the beginning. */
  passDone: boolean;
  /** False when a listing, HEAD or delete failed (the next step retries from where this one stopped). */
  complete: boolean;
}

/** The folder tier's counters, for objects instead of files. */
export type S3TierStats = ObjectTierCounters & {
  /** Passes of the expiry sweep that reached the end of the prefix. */
  sweepPasses: number;
  /**
   * Objects and bytes under the prefix as the last complete pass listed them (expired ones it removed excluded),
   * or null before the first pass: the bucket's share of this cache, which the tier does not bound itself.
   */
  prefixObjects: number | null;
  prefixBytes: number | null;
};

/**
 * The S3-compatible bucket tier. Names and metadata are laid out in `s3-object-layout.ts`. Expiry is
 * kept in metadata and enforced on read (expired objects are misses and are deleted in the background).
 * Objects never read again are found by a bounded background sweep (`sweep`): it lists the tier prefix a
 * page at a time, a few pages per step, resuming where the last step stopped, HEADs the objects named in
 * this tier's layout and deletes those whose metadata is ours (the key in it maps back to the object's
 * name) and past its expiry. Anything else under the prefix, and everything outside it, is left alone. A
 * lifecycle rule on the prefix is still a cheaper backstop for very large buckets, not a requirement.
 * No method rejects: an unreachable or misbehaving server is a miss or a dropped write, counted in the stats.
 */
export class S3Tier implements ObjectTier {
  private readonly client: S3Client;
  private readonly layout: ObjectLayout;
  private readonly compression: Compression;
  private readonly brotliQuality: number;
  private readonly timeoutMs: number;
  private readonly pageSize: number;
  private readonly headConcurrency: number;
  private readonly clock: () => number;
  private readonly background = new Set<Promise<void>>();
  private counters = { hits: 0, misses: 0, sets: 0, deletes: 0, expired: 0, corrupt: 0, errors: 0, sweepPasses: 0 };
  private lastError: string | undefined;
  private readonly sweepPageSize: number;
  private readonly sweepPagesPerTick: number;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<S3SweepStep> | undefined;
  /** Where the next sweep step's listing resumes; undefined = the start of the prefix. */
  private sweepToken: string | undefined;
  /** Objects and bytes of the pass under way, and of the last complete one. */
  private passTotals = { objects: 0, bytes: 0 };
  private lastPass: { objects: number; bytes: number } | null = null;
  private closed = false;
  private readonly closing = new AbortController();

  constructor(private readonly options: S3TierOptions) {
    this.layout = new ObjectLayout(options.prefix ?? 'hotpath-cache/');
    this.compression = options.compression ?? 'brotli';
    this.brotliQuality = options.brotliQuality ?? DEFAULT_BROTLI_QUALITY;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.pageSize = Math.min(1000, Math.max(1, options.listPageSize ?? 1000));
    this.headConcurrency = Math.max(1, options.headConcurrency ?? 8);
    this.clock = options.clock ?? Date.now;
    this.sweepPageSize = Math.min(1000, Math.max(1, options.sweepPageSize ?? S3_SWEEP_PAGE_SIZE));
    this.sweepPagesPerTick = Math.max(1, options.sweepPagesPerTick ?? S3_SWEEP_PAGES_PER_TICK);
    const interval = options.sweepIntervalMs ?? S3_SWEEP_INTERVAL_MS;
    if (interval > 0) {
      this.sweepTimer = setInterval(() => void this.sweep(), interval);
      // Housekeeping: it must not keep the process alive.
      this.sweepTimer.unref();
    }
    this.client = new S3Client({
      region: options.region ?? (process.env.AWS_REGION || 'us-east-1'),
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
      ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
      forcePathStyle: options.forcePathStyle ?? false,
      maxAttempts: options.maxAttempts ?? 2,
      requestHandler: { connectionTimeout: this.timeoutMs },
      // Many S3-compatible servers reject or mis-verify the SDK's default CRC checksums on every request.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async get(key: string): Promise<Buffer | undefined> {
    const name = this.layout.objectName(key);
    if (name === undefined) return this.miss();
    const deadline = new Deadline(this.timeoutMs);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: name }), {
        abortSignal: deadline.signal,
      });
      const body = response.Body as (AsyncIterable<Uint8Array> & { destroy?: (error?: Error) => void }) | undefined;
      const meta = decodeMeta(response.Metadata);
      // Metadata arrives before the body: an expired or foreign object is rejected without downloading it.
      if (meta === undefined || meta.key !== key || meta.expiresAt <= this.clock()) {
        body?.destroy?.();
        if (meta === undefined) return this.dropCorrupt(name);
        // Not our key under this name: a collision or an object put there by hand. Not ours to delete.
        if (meta.key !== key) return this.miss();
        this.counters.expired += 1;
        this.inBackground(this.removeObject(name));
        return this.miss();
      }
      if (body === undefined) return this.dropCorrupt(name);
      deadline.onExpiry((reason) => body.destroy?.(reason));
      const chunks: Uint8Array[] = [];
      for await (const chunk of body) chunks.push(chunk);
      return await this.decodeHit(name, meta, Buffer.concat(chunks));
    } catch (error) {
      if (!isNotFound(error)) this.fail('GetObject', error, deadline);
      return this.miss();
    } finally {
      deadline.clear();
    }
  }

  async set(key: string, value: Buffer, ttlMs: number): Promise<void> {
    const name = this.layout.objectName(key);
    const expiresAt = ttlMs === Infinity ? Infinity : this.clock() + ttlMs;
    const metadata = encodeMeta({ key, expiresAt, compression: this.compression });
    if (name === undefined || metadata === undefined) {
      this.fail(
        'PutObject',
        new Error(name === undefined ? 'the key is not valid Unicode' : 'the key is too long for S3 object metadata (2 KB)'),
      );
      return;
    }
    const deadline = new Deadline(this.timeoutMs);
    try {
      const body = await compress(value, this.compression, this.brotliQuality);
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: name,
          Body: body,
          ContentLength: body.length,
          ContentType: 'application/octet-stream',
          Metadata: metadata,
        }),
        { abortSignal: deadline.signal },
      );
      this.counters.sets += 1;
    } catch (error) {
      this.fail('PutObject', error, deadline);
    } finally {
      deadline.clear();
    }
  }

  /** Counts every delete the server accepted: S3 answers 204 whether or not the object existed. */
  async delete(key: string): Promise<void> {
    const name = this.layout.objectName(key);
    if (name !== undefined && (await this.removeObject(name))) this.counters.deletes += 1;
  }

  /**
   * Keyed objects: one listing filtered by the server. Hashed (long-key) objects: a HEAD each for the key
   * in their metadata, which also removes the expired ones met. Prefix '' removes everything under the
   * tier prefix, foreign objects included. complete: false when a listing, HEAD or delete failed.
   */
  async deleteByPrefix(prefix: string): Promise<{ deleted: number; complete: boolean }> {
    const result = { deleted: 0, complete: true };
    if (prefix === '') {
      await this.scan(this.layout.tierPrefix, result, async (names) => ({ matched: names }));
    } else {
      const keyedPrefix = this.layout.keyedListPrefix(prefix);
      if (keyedPrefix !== undefined) {
        await this.scan(keyedPrefix, result, async (names) => ({
          matched: names.filter((name) => this.layout.keyOf(name)?.startsWith(prefix)),
        }));
      }
      await this.scan(this.layout.hashedListPrefix(), result, (names) => this.matchHashed(names, prefix, result));
    }
    this.counters.deletes += result.deleted;
    return result;
  }

  stats(): S3TierStats {
    const lookups = this.counters.hits + this.counters.misses;
    const snapshot = {
      ...this.counters,
      hitRate: lookups === 0 ? 0 : this.counters.hits / lookups,
      prefixObjects: this.lastPass?.objects ?? null,
      prefixBytes: this.lastPass?.bytes ?? null,
    };
    return this.lastError === undefined ? snapshot : { ...snapshot, lastError: this.lastError };
  }

  /** Resolves when the background deletes (of expired and corrupt objects) have finished. */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  /** Stops the sweep, waits for background deletes and a sweep step under way, then closes the client's sockets. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweepTimer);
    this.closing.abort();
    await this.sweeping;
    await this.idle();
    this.client.destroy();
  }

  /**
   * One step of the expiry sweep: up to `sweepPagesPerTick` listed pages of the tier prefix, from where the
   * last step stopped. A step already under way is joined, not doubled. Waits on the gate before each page.
   */
  sweep(): Promise<S3SweepStep> {
    this.sweeping ??= this.sweepStep().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async sweepStep(): Promise<S3SweepStep> {
    const step: S3SweepStep = { listed: 0, removed: 0, passDone: false, complete: true };
    for (let page = 0; page < this.sweepPagesPerTick && !step.passDone; page++) {
      if (this.options.gate) await Promise.race([this.options.gate.whenRunning(), aborted(this.closing.signal)]);
      if (this.closed) return step;
      const deadline = new Deadline(this.timeoutMs);
      let names: string[];
      let sizes: Map<string, number>;
      let next: string | undefined;
      try {
        const listed = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.options.bucket,
            Prefix: this.layout.tierPrefix,
            MaxKeys: this.sweepPageSize,
            ...(this.sweepToken !== undefined ? { ContinuationToken: this.sweepToken } : {}),
          }),
          { abortSignal: deadline.signal },
        );
        sizes = new Map((listed.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [[object.Key, object.Size ?? 0]])));
        names = [...sizes.keys()];
        next = listed.IsTruncated === true ? listed.NextContinuationToken : undefined;
      } catch (error) {
        this.fail('ListObjectsV2', error, deadline);
        return { ...step, complete: false };
      } finally {
        deadline.clear();
      }
      step.listed += names.length;
      const { expired, complete } = await this.expiredOfOurs(names);
      const removed = await this.removeObjects(expired);
      this.counters.expired += removed;
      step.removed += removed;
      if (!complete || removed < expired.length) step.complete = false;
      // A failed page is listed again by the next step (its token is kept); the pass goes on otherwise.
      if (!step.complete) return step;
      this.sweepToken = next;
      const removedNames = new Set(expired);
      for (const [name, size] of sizes) {
        if (removedNames.has(name)) continue;
        this.passTotals.objects += 1;
        this.passTotals.bytes += size;
      }
      if (next === undefined) {
        step.passDone = true;
        this.counters.sweepPasses += 1;
        this.lastPass = this.passTotals;
        this.passTotals = { objects: 0, bytes: 0 };
      }
    }
    return step;
  }

  /** The listed names that are this tier's objects (by layout and by the key in their metadata) and expired. */
  private async expiredOfOurs(names: string[]): Promise<{ expired: string[]; complete: boolean }> {
    const now = this.clock();
    const candidates = names.filter((name) => this.layout.isTierObjectName(name));
    const expired: string[] = [];
    let complete = true;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < candidates.length && !this.closed) {
        const name = candidates[next++]!;
        const meta = await this.head(name);
        if (meta === 'error') complete = false;
        if (meta === 'error' || meta === 'missing' || meta === undefined) continue;
        // An object someone put under one of our names with other metadata is not ours to delete.
        if (meta.expiresAt <= now && this.layout.objectName(meta.key) === name) expired.push(name);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.headConcurrency, candidates.length) }, worker));
    return { expired, complete: complete && !this.closed };
  }

  /** One listing of at most one object under the prefix: null when the bucket answers, else the server's or the SDK's reason. */
  async check(): Promise<string | null> {
    const deadline = new Deadline(this.timeoutMs);
    try {
      await this.client.send(new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: this.layout.tierPrefix, MaxKeys: 1 }), {
        abortSignal: deadline.signal,
      });
      return null;
    } catch (error) {
      if (deadline.expired) return `timed out after ${this.timeoutMs} ms`;
      return error instanceof Error ? error.message || error.name : String(error);
    } finally {
      deadline.clear();
    }
  }

  /** The object name a key is stored under; exposed for tests of the bucket layout. */
  objectNameFor(key: string): string | undefined {
    return this.layout.objectName(key);
  }

  private async decodeHit(name: string, meta: ObjectMeta, payload: Buffer): Promise<Buffer | undefined> {
    try {
      const value = await decompress(payload, meta.compression);
      this.counters.hits += 1;
      return value;
    } catch {
      return this.dropCorrupt(name);
    }
  }

  /** Lists under listPrefix page by page, deleting what `select` picks from each page. */
  private async scan(
    listPrefix: string,
    result: { deleted: number; complete: boolean },
    select: (names: string[]) => Promise<Selection>,
  ): Promise<void> {
    let token: string | undefined;
    do {
      const deadline = new Deadline(this.timeoutMs);
      let names: string[];
      try {
        const page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.options.bucket,
            Prefix: listPrefix,
            MaxKeys: this.pageSize,
            ...(token !== undefined ? { ContinuationToken: token } : {}),
          }),
          { abortSignal: deadline.signal },
        );
        names = (page.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [object.Key]));
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } catch (error) {
        this.fail('ListObjectsV2', error, deadline);
        result.complete = false;
        return;
      } finally {
        deadline.clear();
      }
      // Continuation tokens name the last key listed, so deleting the listed keys does not shift the next page.
      const { matched, expired = [] } = await select(names);
      const removed = await this.removeObjects(matched);
      result.deleted += removed;
      if (removed < matched.length) result.complete = false;
      this.counters.expired += await this.removeObjects(expired);
    } while (token !== undefined);
  }

  /** The hashed names whose key starts with prefix, and apart from those the expired ones met. */
  private async matchHashed(names: string[], prefix: string, result: { complete: boolean }): Promise<Selection> {
    const now = this.clock();
    const matched: string[] = [];
    const expired: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < names.length) {
        const name = names[next++]!;
        const meta = await this.head(name);
        if (meta === 'error') result.complete = false;
        if (meta === 'error' || meta === 'missing' || meta === undefined) continue;
        if (meta.key.startsWith(prefix)) matched.push(name);
        else if (meta.expiresAt <= now) expired.push(name);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.headConcurrency, names.length) }, worker));
    return { matched, expired };
  }

  private async head(name: string): Promise<ObjectMeta | undefined | 'missing' | 'error'> {
    const deadline = new Deadline(this.timeoutMs);
    try {
      const response = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: name }), {
        abortSignal: deadline.signal,
      });
      return decodeMeta(response.Metadata);
    } catch (error) {
      if (isNotFound(error)) return 'missing';
      this.fail('HeadObject', error, deadline);
      return 'error';
    } finally {
      deadline.clear();
    }
  }

  /** How many of names were removed (≤ 1000 per DeleteObjects call). */
  private async removeObjects(names: string[]): Promise<number> {
    let removed = 0;
    for (let start = 0; start < names.length; start += 1000) {
      const batch = names.slice(start, start + 1000);
      const deadline = new Deadline(this.timeoutMs);
      try {
        const response = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.options.bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
          { abortSignal: deadline.signal },
        );
        const failed = response.Errors ?? [];
        if (failed.length > 0)
          this.fail(
            'DeleteObjects',
            new Error(`${failed.length} objects not deleted: ${failed[0]?.Code ?? 'unknown'} ${failed[0]?.Message ?? ''}`.trim()),
          );
        removed += batch.length - failed.length;
      } catch (error) {
        this.fail('DeleteObjects', error, deadline);
      } finally {
        deadline.clear();
      }
    }
    return removed;
  }

  /** True when the server accepted the delete. */
  private async removeObject(name: string): Promise<boolean> {
    const deadline = new Deadline(this.timeoutMs);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: name }), { abortSignal: deadline.signal });
      return true;
    } catch (error) {
      if (!isNotFound(error)) this.fail('DeleteObject', error, deadline);
      return false;
    } finally {
      deadline.clear();
    }
  }

  /**
   * A get must not wait for cleanup. Races a concurrent set of the same key: the new value may be
   * deleted, which costs one later miss (a cache may always lose an entry) and never serves a wrong value.
   */
  private inBackground(work: Promise<unknown>): void {
    const tracked: Promise<void> = work
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  private dropCorrupt(name: string): undefined {
    this.counters.corrupt += 1;
    this.inBackground(this.removeObject(name));
    return this.miss();
  }

  private miss(): undefined {
    this.counters.misses += 1;
    return undefined;
  }

  private fail(operation: string, error: unknown, deadline?: Deadline): void {
    this.counters.errors += 1;
    const detail =
      deadline?.expired === true
        ? `timed out after ${this.timeoutMs} ms`
        : error instanceof Error
          ? error.message || error.name
          : String(error);
    this.lastError = `${operation}: ${detail}`;
  }
}

/** What a prefix delete removes from one listed page. */
interface Selection {
  matched: string[];
  /** Not matching, but past their expiry: removed too, counted as expired. */
  expired?: string[];
}

/** Resolves when the signal aborts (never rejects): a wait that close() cuts short. */
function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** One operation's time bound; it also stops a body download, which the SDK's signal alone does not cover. */
class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onExpire: Array<(reason: Error) => void> = [];
  expired = false;

  constructor(ms: number) {
    this.timer = setTimeout(() => {
      this.expired = true;
      const reason = new Error(`timed out after ${ms} ms`);
      this.controller.abort(reason);
      for (const callback of this.onExpire) callback(reason);
    }, ms);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  onExpiry(callback: (reason: Error) => void): void {
    this.onExpire.push(callback);
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

/** An absent object, which is a plain miss; an absent bucket (NoSuchBucket, also a 404) is an error worth counting. */
function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  return name === 'NoSuchKey' || name === 'NotFound';
}
