import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { compress, decompress, DEFAULT_BROTLI_QUALITY } from './compression.ts';
import type { Compression } from './compression.ts';
import { encodeHeader, parseHeader } from './folder-file-format.ts';
import type { FileHeader } from './folder-file-format.ts';
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
}

export interface FolderTierStats {
  hits: number;
  misses: number;
  hitRate: number;
  sets: number;
  deletes: number;
  /** Files found past their expiry (removed on the spot). */
  expired: number;
  /** Files that were not ours, truncated or undecompressable (read as misses and removed). */
  corrupt: number;
  /** Filesystem failures other than "no such file" (read as misses or dropped writes). */
  errors: number;
  lastError?: string;
}

/** How much of a file a prefix scan reads first: enough for the header and any ordinary key. */
const SCAN_READ_BYTES = 1024;

/**
 * The local-folder object tier. File names are sha256(key) (any key is a safe, fixed-length name),
 * sharded by the first two hex digits so no directory grows huge. Writes go to `tmp/` and are renamed
 * into place: a reader sees the old file or the new one, never a partial one, even across a crash.
 * Expired files are misses and are removed when met (by a get or a prefix scan), not by a timer.
 * No method rejects: a full or broken disk is a miss or a dropped write, counted in the stats.
 */
export class FolderTier implements ObjectTier {
  private readonly compression: Compression;
  private readonly brotliQuality: number;
  private readonly clock: () => number;
  private readonly madeDirs = new Set<string>();
  private counters = { hits: 0, misses: 0, sets: 0, deletes: 0, expired: 0, corrupt: 0, errors: 0 };
  private lastError: string | undefined;

  constructor(private readonly options: FolderTierOptions) {
    this.compression = options.compression ?? 'brotli';
    this.brotliQuality = options.brotliQuality ?? DEFAULT_BROTLI_QUALITY;
    this.clock = options.clock ?? Date.now;
  }

  async get(key: string): Promise<Buffer | undefined> {
    const path = this.pathFor(key);
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
      const path = this.pathFor(key);
      await this.ensureDir(tmpDir);
      await this.ensureDir(dirname(path));
      await writeFile(tmpPath, Buffer.concat([encodeHeader(key, expiresAt, this.compression), compressed]));
      await rename(tmpPath, path);
      this.counters.sets += 1;
    } catch (error) {
      this.fail(error);
      // A folder removed under us (a manual wipe) must not stay "known" forever.
      this.madeDirs.clear();
      await unlink(tmpPath).catch(() => undefined);
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
    for (const path of await this.listFiles()) {
      if (path === undefined) {
        complete = false;
        continue;
      }
      const header = await this.readHeader(path);
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
    const snapshot = { ...this.counters, hitRate: lookups === 0 ? 0 : this.counters.hits / lookups };
    return this.lastError === undefined ? snapshot : { ...snapshot, lastError: this.lastError };
  }

  /** Where a key's file lives; exposed for tests of the on-disk behaviour. */
  pathFor(key: string): string {
    const hash = createHash('sha256').update(key, 'utf8').digest('hex');
    return join(this.options.dir, hash.slice(0, 2), `${hash}.l3`);
  }

  /** Every value file path; an undefined entry marks a shard that could not be listed. */
  private async listFiles(): Promise<Array<string | undefined>> {
    let shards: string[];
    try {
      shards = (await readdir(this.options.dir)).filter((name) => /^[0-9a-f]{2}$/.test(name));
    } catch (error) {
      if (isNotFound(error)) return [];
      this.fail(error);
      return [undefined];
    }
    const paths: Array<string | undefined> = [];
    for (const shard of shards) {
      try {
        for (const name of await readdir(join(this.options.dir, shard))) {
          if (name.endsWith('.l3')) paths.push(join(this.options.dir, shard, name));
        }
      } catch (error) {
        if (isNotFound(error)) continue;
        this.fail(error);
        paths.push(undefined);
      }
    }
    return paths;
  }

  /** The header alone (values may be megabytes); undefined = not a readable file of ours. */
  private async readHeader(path: string): Promise<FileHeader | undefined | 'missing' | 'error'> {
    try {
      const handle = await open(path, 'r');
      try {
        let want = SCAN_READ_BYTES;
        for (;;) {
          const buffer = Buffer.alloc(want);
          const { bytesRead } = await handle.read(buffer, 0, want, 0);
          const parsed = parseHeader(buffer.subarray(0, bytesRead));
          if (parsed === undefined || !('needBytes' in parsed)) return parsed;
          if (bytesRead < want || parsed.needBytes <= want) return undefined; // the file ends inside the key
          want = parsed.needBytes;
        }
      } finally {
        await handle.close();
      }
    } catch (error) {
      if (isNotFound(error)) return 'missing';
      this.fail(error);
      return 'error';
    }
  }

  private async ensureDir(dir: string): Promise<void> {
    if (this.madeDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.madeDirs.add(dir);
  }

  /** True when this call removed the file. */
  private async remove(path: string): Promise<boolean> {
    try {
      await unlink(path);
      return true;
    } catch (error) {
      if (!isNotFound(error)) this.fail(error);
      return false;
    }
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

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
