/**
 * One folder-tier file: a fixed header, the cache key, then the compressed value.
 *
 *   0  'HPL3' magic          4 bytes   (a stray or truncated file is recognised as not ours)
 *   4  format version        1 byte
 *   5  compression           1 byte    (1 gzip, 2 brotli: files written with either stay readable)
 *   6  expires at, epoch ms  8 bytes   float64 big-endian; Infinity = never
 *  14  key length            4 bytes   uint32 big-endian
 *  18  key (UTF-8), then the compressed payload
 *
 * The key is stored because file names are hashes: prefix deletes need it, and a get checks it so a
 * (theoretical) hash collision or a misplaced file reads as a miss instead of someone else's value.
 */
import type { Compression } from './compression.ts';

export type { Compression } from './compression.ts';

export const MAGIC = Buffer.from('HPL3', 'ascii');
export const FILE_FORMAT_V1 = 1;
export const HEADER_BYTES = 18;

const COMPRESSION_CODES: Record<Compression, number> = { gzip: 1, brotli: 2 };

export interface FileHeader {
  compression: Compression;
  expiresAt: number;
  key: string;
  /** Offset of the compressed payload in the file. */
  payloadOffset: number;
}

export function encodeHeader(key: string, expiresAt: number, compression: Compression): Buffer {
  const keyBytes = Buffer.from(key, 'utf8');
  const header = Buffer.alloc(HEADER_BYTES + keyBytes.length);
  MAGIC.copy(header, 0);
  header[4] = FILE_FORMAT_V1;
  header[5] = COMPRESSION_CODES[compression];
  header.writeDoubleBE(expiresAt, 6);
  header.writeUInt32BE(keyBytes.length, 14);
  keyBytes.copy(header, HEADER_BYTES);
  return header;
}

/**
 * Parses the header from the first bytes of a file. Returns undefined when it is not a complete header
 * of a known format, or `needBytes` when the key runs past what was read (read more and call again).
 */
export function parseHeader(bytes: Buffer): FileHeader | { needBytes: number } | undefined {
  if (bytes.length < HEADER_BYTES || !bytes.subarray(0, 4).equals(MAGIC) || bytes[4] !== FILE_FORMAT_V1) return undefined;
  const code = bytes[5];
  const compression: Compression | undefined = code === 1 ? 'gzip' : code === 2 ? 'brotli' : undefined;
  if (compression === undefined) return undefined;
  const expiresAt = bytes.readDoubleBE(6);
  if (Number.isNaN(expiresAt)) return undefined;
  const keyLength = bytes.readUInt32BE(14);
  const payloadOffset = HEADER_BYTES + keyLength;
  if (bytes.length < payloadOffset) return { needBytes: payloadOffset };
  return { compression, expiresAt, key: bytes.toString('utf8', HEADER_BYTES, payloadOffset), payloadOffset };
}
