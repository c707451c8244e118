import { promisify } from 'node:util';
import { brotliCompress, brotliDecompress, constants as zlibConstants, gunzip, gzip } from 'node:zlib';

/** How an object tier stores a value's bytes; the choice is recorded per value, so either stays readable. */
export type Compression = 'gzip' | 'brotli';

/** Brotli's default quality 11 costs seconds per MB for a few percent; 5 is the tiers' default. */
export const DEFAULT_BROTLI_QUALITY = 5;

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
const brotliAsync = promisify(brotliCompress);
const unbrotliAsync = promisify(brotliDecompress);

// zlib runs these on its thread pool: a multi-megabyte value never blocks the event loop.
export async function compress(value: Buffer, compression: Compression, brotliQuality = DEFAULT_BROTLI_QUALITY): Promise<Buffer> {
  return compression === 'gzip'
    ? await gzipAsync(value)
    : await brotliAsync(value, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: brotliQuality } });
}

/** Rejects on a truncated or foreign payload: callers read that as a corrupt entry. */
export async function decompress(payload: Buffer, compression: Compression): Promise<Buffer> {
  return compression === 'gzip' ? await gunzipAsync(payload) : await unbrotliAsync(payload);
}

export function isCompression(value: unknown): value is Compression {
  return value === 'gzip' || value === 'brotli';
}
