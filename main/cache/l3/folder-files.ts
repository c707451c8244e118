/**
 * Reading the folder tier's files without their values: listing them, reading a header, and the scan at
 * open that the byte budget's index starts from. Failures other than "no such file" go to `onError` (the
 * tier counts them); nothing here rejects.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseHeader } from './folder-file-format.ts';
import type { FileHeader } from './folder-file-format.ts';
import type { ScannedFile } from './folder-index.ts';

export type OnFileError = (error: unknown) => void;

/** How much of a file a header read takes first: enough for the header and any ordinary key. */
const SCAN_READ_BYTES = 1024;

/** Every value file path; an undefined entry marks a shard that could not be listed. */
export async function listValueFiles(dir: string, onError: OnFileError): Promise<Array<string | undefined>> {
  let shards: string[];
  try {
    shards = (await readdir(dir)).filter((name) => /^[0-9a-f]{2}$/.test(name));
  } catch (error) {
    if (isNotFound(error)) return [];
    onError(error);
    return [undefined];
  }
  const paths: Array<string | undefined> = [];
  for (const shard of shards) {
    try {
      for (const name of await readdir(join(dir, shard))) {
        if (name.endsWith('.l3')) paths.push(join(dir, shard, name));
      }
    } catch (error) {
      if (isNotFound(error)) continue;
      onError(error);
      paths.push(undefined);
    }
  }
  return paths;
}

/** The header alone (values may be megabytes); undefined = not a readable file of ours. */
export async function readValueHeader(path: string, onError: OnFileError): Promise<FileHeader | undefined | 'missing' | 'error'> {
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
    onError(error);
    return 'error';
  }
}

/**
 * The files in the folder with their size, expiry (from the header; an unreadable file counts as expired,
 * so it goes first) and mtime. One header read and one stat per file: O(files), and the files are bounded by
 * the budget (see folder-index.ts).
 */
export async function scanFolder(dir: string, onError: OnFileError): Promise<ScannedFile[]> {
  const found: ScannedFile[] = [];
  for (const path of await listValueFiles(dir, onError)) {
    if (path === undefined) continue;
    const header = await readValueHeader(path, onError);
    if (header === 'missing' || header === 'error') continue;
    try {
      const { size, mtimeMs } = await stat(path);
      found.push({ path, size, expiresAt: header?.expiresAt ?? -Infinity, lastAccess: mtimeMs });
    } catch (error) {
      if (!isNotFound(error)) onError(error);
    }
  }
  return found;
}

export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
