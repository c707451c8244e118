/**
 * The folder tier's in-memory picture of its own files, for the byte budget: per file, the bytes it is
 * charged and when it expires; in total, the bytes used. No I/O here: the tier records what it wrote, read
 * and removed, and hands in what a scan of the folder found at open.
 *
 * Recency is the Map's insertion order (a touch re-inserts the entry at the end), so the least recently used
 * file is the first one and an eviction walks from the front: O(1) per touch, no sorting on the hot path.
 * A scan at open orders the files it found by mtime, which the tier sets to its clock on every write and hit,
 * so the order survives a restart.
 *
 * Each file is charged its size rounded up to a whole filesystem block: that is what it costs on disk, so the
 * budget stays close to what `du` reports, and it bounds the index to one entry per block of budget however
 * small the values are.
 */

/** The allocation unit of common filesystems (ext4, APFS, NTFS); a file never costs less than one. */
export const FILE_BLOCK_BYTES = 4096;

export interface IndexedFile {
  /** Bytes charged against the budget (size rounded up to a block). */
  bytes: number;
  /** Epoch ms; Infinity = never; -Infinity for a file that is not readable as ours (evicted first). */
  expiresAt: number;
}

export interface ScannedFile {
  path: string;
  size: number;
  expiresAt: number;
  /** Last write or hit, epoch ms (the file's mtime). */
  lastAccess: number;
}

export function chargedBytes(size: number): number {
  return Math.max(1, Math.ceil(size / FILE_BLOCK_BYTES)) * FILE_BLOCK_BYTES;
}

export class FolderIndex {
  private files = new Map<string, IndexedFile>();
  private total = 0;
  /** Paths removed while a scan runs: the scan may have seen them before they went. */
  private removedDuringScan: Set<string> | undefined;

  get bytesUsed(): number {
    return this.total;
  }

  get fileCount(): number {
    return this.files.size;
  }

  /** A file written (or replaced): it becomes the most recently used. */
  record(path: string, size: number, expiresAt: number): void {
    this.forget(path);
    this.removedDuringScan?.delete(path);
    const entry = { bytes: chargedBytes(size), expiresAt };
    this.files.set(path, entry);
    this.total += entry.bytes;
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  /** A hit: the file becomes the most recently used. */
  touch(path: string): void {
    const entry = this.files.get(path);
    if (entry === undefined) return;
    this.files.delete(path);
    this.files.set(path, entry);
  }

  forget(path: string): void {
    this.removedDuringScan?.add(path);
    const entry = this.files.get(path);
    if (entry === undefined) return;
    this.files.delete(path);
    this.total -= entry.bytes;
  }

  /** Call before a scan of the folder starts, then `merge` with what it found. */
  beginScan(): void {
    this.removedDuringScan = new Set();
  }

  /**
   * Adds what a scan found, least recently used first, ahead of the files written while it ran (those are
   * newer, and already known exactly). Files removed while it ran are left out.
   */
  merge(scanned: ScannedFile[]): void {
    const removed = this.removedDuringScan ?? new Set<string>();
    this.removedDuringScan = undefined;
    const ordered = [...scanned].sort((a, b) => a.lastAccess - b.lastAccess);
    const rebuilt = new Map<string, IndexedFile>();
    for (const file of ordered) {
      if (this.files.has(file.path) || removed.has(file.path) || rebuilt.has(file.path)) continue;
      const entry = { bytes: chargedBytes(file.size), expiresAt: file.expiresAt };
      rebuilt.set(file.path, entry);
      this.total += entry.bytes;
    }
    for (const [path, entry] of this.files) rebuilt.set(path, entry);
    this.files = rebuilt;
  }

  /** Paths of files expired at `now`, oldest first. */
  expired(now: number): string[] {
    const paths: string[] = [];
    for (const [path, entry] of this.files) if (entry.expiresAt <= now) paths.push(path);
    return paths;
  }

  /** Paths from least to most recently used. */
  leastRecentlyUsed(): IterableIterator<string> {
    return [...this.files.keys()][Symbol.iterator]();
  }
}
