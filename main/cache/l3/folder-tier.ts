import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, unlink, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { compress, decompress, DEFAULT_BROTLI_QUALITY } from './compression.ts';
import type { Compression } from './compression.ts';
import { encodeHeader, parseHeader } from './folder-file-format.ts';
import { chargedBytes, FolderIndex } from './folder-index.ts';
import { isNotFound, listValueFiles, readValueHeader, scanFolder } from './folder-files.ts';
import type { ObjectTier } from './object-tier.ts';

export interface FolderTierOptions {
  /** The folder; created on first write. Must be on one filesystem with its `tmp/` child (rename is atomic only there). */
  dir: string;
  /** Default 'brotli'; files written with the other stay readable (the header says which). */
  compression?: Compression;
  /** Brotli quality 0-11; default 5: the default 11 costs seconds per MB for a few percent. */
  brotliQuality?: number;
  /** Milliseconds; injectable for tests. Default `Date.now`. */
  clock?: () => number;
  /**
   * Bytes on disk the folder may hold (files charged by whole blocks); default DEFAULT_FOLDER_MAX_BYTES.
   * A write that takes it over evicts expired files, then the least recently used, down to LOW_WATER of it.
   */
  maxBytes?: number;
  /** How often expired files are removed without being read; 0 = never (call `sweep()`). Default SWEEP_INTERVAL_MS. */
  sweepIntervalMs?: number;
}

/**
 * A fixed default rather than a share of free disk: the same folder gets the same bound on every machine and
 * after every restart, whatever else fills the disk. It is far below a developer's or server's free space and
 * still holds many compressed multi-megabyte results; `maxBytes` overrides it.
 */
export const DEFAULT_FOLDER_MAX_BYTES = 1024 ** 3;

/** An eviction goes below the budget, not just to it, so the next writes do not each evict a file. */
export const LOW_WATER = 0.9;

/** Expired files cost disk, not correctness (a get never returns one), so a lazy sweep suffices. */
export const SWEEP_INTERVAL_MS = 10 * 60_000;

/** The counters every object tier keeps (the S3 tier shares them). */
export interface ObjectTierCounters {
  hits: number;
  misses: number;
  hitRate: number;
  sets: number;
  deletes: number;
  /** Files found past their expiry and removed (by a read, a prefix scan, or for the folder tier a sweep or an eviction). */
  expired: number;
  /** Files that were not ours, truncated or undecompressable (read as misses and removed). */
  corrupt: number;
  /** Filesystem failures other than "no such file" (read as misses or dropped writes). */
  errors: number;
  lastError?: string;
}

export interface FolderTierStats extends ObjectTierCounters {
  /** Bytes on disk charged against the budget (known files only until the scan at open has finished). */
  bytesUsed: number;
  maxBytes: number;
  files: number;
  /** Live files removed to stay within the budget (expired ones count in `expired`). */
  evictions: number;
  /** Values whose file alone would exceed the budget: not written. */
  oversize: number;
}

/**
 * The local-folder object tier. File names are sha256(key) (any key is a safe, fixed-length name),
 * sharded by the first two hex digits so no directory grows huge. Writes go to `tmp/` and are renamed
 * into place: a reader sees the old file or the new one, never a partial one, even across a crash.
 * Expired files are misses and are removed when met (by a get or a prefix scan) and by a periodic sweep.
 * No method rejects: a full or broken disk is a miss or a dropped write, counted in the stats.
 *
 * The byte budget: a FolderIndex (`folder-index.ts`) holds each file's charged size, expiry and recency,
 * built from the folder once (a background scan started by the first call) and kept up to date by every
 * write, hit and removal. Memory is one entry per file, and files are charged at least a block each, so the
 * index is bounded by maxBytes / FILE_BLOCK_BYTES entries. The index is this process's view: another process
 * writing the same folder is not counted, nor read, until the next open (a get of a key the index lacks is a miss).
 *
 * Renames and removals of one path run one at a time (`exclusive`), so the index records the size of the
 * file that is actually on disk when two writers replace the same key.
 */
export class FolderTier implements ObjectTier {
  private readonly compression: Compression;
  private readonly brotliQuality: number;
  private readonly clock: () => number;
  private readonly madeDirs = new Set<string>();
  private readonly maxBytes: number;
  private readonly index = new FolderIndex();
  private readonly pathQueues = new Map<string, Promise<unknown>>();
  private indexReady: Promise<void> | undefined;
  private indexScanned = false;
  /** The scan read the whole folder: the index alone can answer that a key has no file. */
  private indexComplete = false;
  /** The budget enforced after the scan at open, for writes that did not wait for it. */
  private afterScan: Promise<void> | undefined;
  private evicting: Promise<boolean> | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;
  private counters = { hits: 0, misses: 0, sets: 0, deletes: 0, expired: 0, corrupt: 0, errors: 0, evictions: 0, oversize: 0 };
  private lastError: string | undefined;
  private readonly onError = (error: unknown): void => this.fail(error);

  constructor(private readonly options: FolderTierOptions) {
    this.compression = options.compression ?? 'brotli';
    this.brotliQuality = options.brotliQuality ?? DEFAULT_BROTLI_QUALITY;
    this.clock = options.clock ?? Date.now;
    this.maxBytes = options.maxBytes ?? DEFAULT_FOLDER_MAX_BYTES;
    if (!(this.maxBytes > 0) || !Number.isFinite(this.maxBytes)) {
      throw new RangeError(`FolderTier maxBytes must be a positive number of bytes, got ${this.maxBytes}.`);
    }
    const interval = options.sweepIntervalMs ?? SWEEP_INTERVAL_MS;
    if (interval > 0) {
      this.sweepTimer = setInterval(() => void this.sweep(), interval);
      // The sweep is housekeeping: it must not keep the process alive.
      this.sweepTimer.unref();
    }
  }

  /** Stops the periodic sweep; the files stay. */
  close(): void {
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  /** Waits for the scan of the folder at open and the eviction after it (for tests, and stats after open). */
  async ready(): Promise<void> {
    await this.ensureIndex();
    await this.afterScan;
  }

  /** Removes every expired file the index knows of, without reading them; returns how many went. */
  async sweep(): Promise<number> {
    // One at a time: on a slow disk a sweep may outlast its interval.
    this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = undefined));
    return await this.sweeping;
  }

  private async sweepOnce(): Promise<number> {
    await this.ensureIndex();
    let removed = 0;
    for (const path of this.index.expired(this.clock())) {
      if (await this.remove(path)) removed += 1;
    }
    this.counters.expired += removed;
    return removed;
  }

  async get(key: string): Promise<Buffer | undefined> {
    const path = this.pathFor(key);
    // Once the folder is scanned in full, the index knows every file of this process's view: a key it lacks is a
    // miss without a system call (an open that fails costs more than the lookup in a hot cache's miss path). After a
    // scan that could not read part of the folder, the disk is asked.
    if (this.indexComplete && !this.index.has(path)) return this.miss();
    if (!this.indexScanned) void this.ensureIndex();
    let file: Buffer;
    try {
      file = await readFile(path);
    } catch (error) {
      if (!isNotFound(error)) this.fail(error);
      return this.miss();
    }
    const header = parseHeader(file);
    if (header === undefined || 'needBytes' in header) return this.dropCorrupt(path);
    // Not our key under our hash: a collision or a file copied in by hand. Not ours to delete.
    if (header.key !== key) return this.miss();
    if (header.expiresAt <= this.clock()) {
      this.counters.expired += 1;
      await this.remove(path);
      return this.miss();
    }
    try {
      const value = await decompress(file.subarray(header.payloadOffset), header.compression);
      this.counters.hits += 1;
      await this.touch(path);
      return value;
    } catch {
      return this.dropCorrupt(path);
    }
  }

  async set(key: string, value: Buffer, ttlMs: number): Promise<void> {
    const expiresAt = ttlMs === Infinity ? Infinity : this.clock() + ttlMs;
    const tmpDir = join(this.options.dir, 'tmp');
    const tmpPath = join(tmpDir, `${randomUUID()}.tmp`);
    try {
      const compressed = await compress(value, this.compression, this.brotliQuality);
      const file = Buffer.concat([encodeHeader(key, expiresAt, this.compression), compressed]);
      if (chargedBytes(file.length) > this.maxBytes) {
        this.counters.oversize += 1;
        return;
      }
      const path = this.pathFor(key);
      await this.ensureDir(tmpDir);
      await this.ensureDir(dirname(path));
      await writeFile(tmpPath, file);
      // The mtime is the last access on the tier's clock: a scan after a restart orders files by it.
      const now = this.clock() / 1000;
      await utimes(tmpPath, now, now);
      await this.exclusive(path, async () => {
        await rename(tmpPath, path);
        this.index.record(path, file.length, expiresAt);
      });
      this.counters.sets += 1;
    } catch (error) {
      this.fail(error);
      // A folder removed under us (a manual wipe) must not stay "known" forever.
      this.madeDirs.clear();
      await unlink(tmpPath).catch(() => undefined);
      return;
    }
    if (this.indexScanned) {
      await this.enforceBudget();
    } else {
      // The first writes do not wait for the scan at open (O(files)); the budget is enforced when it ends.
      this.afterScan ??= this.enforceBudget();
    }
  }

  async delete(key: string): Promise<void> {
    if (await this.remove(this.pathFor(key))) this.counters.deletes += 1;
  }

  /**
   * Reads the header of every file (the names are hashes, so the keys are only inside): O(files).
   * Also removes the expired files it meets, and with prefix '' unreadable ones too.
   */
  async deleteByPrefix(prefix: string): Promise<{ deleted: number; complete: boolean }> {
    let deleted = 0;
    let complete = true;
    const now = this.clock();
    for (const path of await listValueFiles(this.options.dir, this.onError)) {
      if (path === undefined) {
        complete = false;
        continue;
      }
      const header = await readValueHeader(path, this.onError);
      if (header === 'missing') continue;
      if (header === 'error') {
        complete = false;
        continue;
      }
      const expired = header !== undefined && header.expiresAt <= now;
      const matches = header === undefined ? prefix === '' : header.key.startsWith(prefix);
      if (!matches && !expired) continue;
      if (await this.remove(path)) {
        if (matches) deleted += 1;
        else this.counters.expired += 1;
      } else if (matches) complete = false;
    }
    this.counters.deletes += deleted;
    return { deleted, complete };
  }

  stats(): FolderTierStats {
    const lookups = this.counters.hits + this.counters.misses;
    const snapshot = {
      ...this.counters,
      hitRate: lookups === 0 ? 0 : this.counters.hits / lookups,
      bytesUsed: this.index.bytesUsed,
      maxBytes: this.maxBytes,
      files: this.index.fileCount,
    };
    return this.lastError === undefined ? snapshot : { ...snapshot, lastError: this.lastError };
  }

  /** Where a key's file lives; exposed for tests of the on-disk behaviour. */
  pathFor(key: string): string {
    const hash = createHash('sha256').update(key, 'utf8').digest('hex');
    return join(this.options.dir, hash.slice(0, 2), `${hash}.l3`);
  }

  private async ensureDir(dir: string): Promise<void> {
    if (this.madeDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.madeDirs.add(dir);
  }

  /** True when this call removed the file. */
  private async remove(path: string): Promise<boolean> {
    return await this.exclusive(path, async () => {
      try {
        await unlink(path);
        this.index.forget(path);
        return true;
      } catch (error) {
        if (isNotFound(error)) this.index.forget(path);
        else this.fail(error);
        return false;
      }
    });
  }

  private async touch(path: string): Promise<void> {
    this.index.touch(path);
    const now = this.clock() / 1000;
    // Best effort: a file removed or replaced meanwhile needs no stamp.
    await utimes(path, now, now).catch(() => undefined);
  }

  /** Runs fn after every earlier fn for the same path: one rename or unlink of a path at a time. */
  private async exclusive<T>(path: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.pathQueues.get(path) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    this.pathQueues.set(path, run);
    try {
      return await run;
    } finally {
      if (this.pathQueues.get(path) === run) this.pathQueues.delete(path);
    }
  }

  /**
   * Over the budget: expired files go first, then the least recently used, until under LOW_WATER of it.
   * One eviction runs at a time; writers that finish meanwhile re-check after it. Stops when a pass
   * removes nothing (an unwritable folder), so a broken disk cannot spin it.
   */
  private async enforceBudget(): Promise<void> {
    await this.ensureIndex();
    while (this.index.bytesUsed > this.maxBytes) {
      this.evicting ??= this.evictToLowWater().finally(() => (this.evicting = undefined));
      if (!(await this.evicting)) return;
    }
  }

  /** True when the bytes used went down (a file already gone by other hands counts: it leaves the index). */
  private async evictToLowWater(): Promise<boolean> {
    const target = this.maxBytes * LOW_WATER;
    const before = this.index.bytesUsed;
    for (const path of this.index.expired(this.clock())) {
      if (this.index.bytesUsed <= target) break;
      if (await this.remove(path)) this.counters.expired += 1;
    }
    for (const path of this.index.leastRecentlyUsed()) {
      if (this.index.bytesUsed <= target) break;
      if (await this.remove(path)) this.counters.evictions += 1;
    }
    return this.index.bytesUsed < before;
  }

  private async ensureIndex(): Promise<void> {
    this.indexReady ??= (async () => {
      this.index.beginScan();
      let complete = true;
      const onScanError = (error: unknown): void => {
        complete = false;
        this.onError(error);
      };
      this.index.merge(await scanFolder(this.options.dir, onScanError));
      this.indexScanned = true;
      this.indexComplete = complete;
    })();
    await this.indexReady;
  }

  private async dropCorrupt(path: string): Promise<undefined> {
    this.counters.corrupt += 1;
    await this.remove(path);
    return this.miss();
  }

  private miss(): undefined {
    this.counters.misses += 1;
    return undefined;
  }

  private fail(error: unknown): void {
    this.counters.errors += 1;
    this.lastError = error instanceof Error ? error.message : String(error);
  }
}
