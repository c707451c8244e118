import { createHash } from 'node:crypto';
import { isCompression } from './compression.ts';
import type { Compression } from './compression.ts';

/**
 * Where a cache key lives in the bucket, and what its object's metadata says.
 *
 * A pure hash name (prefix + sha256) would make every prefix delete HEAD every object in the tier, since
 * listings carry names but no metadata. So keys are named by the hex of their UTF-8 bytes instead:
 * hex is prefix-preserving (the bytes of p start the bytes of k exactly when hex(p) starts hex(k)), so a
 * prefix delete becomes one server-side filtered listing. Hex also makes any key a safe object name.
 * Keys too long for S3's 1024-byte name limit once doubled go under a sha256 name, in a separate folder:
 * only those few need a HEAD per object during a prefix delete.
 *
 *   <tier prefix>k/<hex of the key's UTF-8>    keys up to maxKeyedBytes()
 *   <tier prefix>h/<sha256 hex of the key>     longer keys
 */
export const KEYED_DIR = 'k/';
export const HASHED_DIR = 'h/';

/** S3's limit on an object name, in UTF-8 bytes. */
const MAX_OBJECT_NAME_BYTES = 1024;
/** S3 allows 2 KB of user metadata in total; the key is the only part that grows. */
const MAX_METADATA_KEY_CHARS = 1800;
/** Tier prefixes longer than this would leave keyed names too little room. */
export const MAX_TIER_PREFIX_BYTES = 512;

export const META_KEY = 'hotpath-key';
export const META_EXPIRES = 'hotpath-expires';
export const META_COMPRESSION = 'hotpath-compression';

export interface ObjectMeta {
  key: string;
  /** Epoch ms; Infinity = never. */
  expiresAt: number;
  compression: Compression;
}

export class ObjectLayout {
  private readonly maxKeyedBytes: number;

  constructor(readonly tierPrefix: string) {
    const prefixBytes = Buffer.byteLength(tierPrefix, 'utf8');
    if (prefixBytes > MAX_TIER_PREFIX_BYTES)
      throw new RangeError(`the S3 key prefix is ${prefixBytes} bytes; at most ${MAX_TIER_PREFIX_BYTES} fit`);
    this.maxKeyedBytes = Math.floor((MAX_OBJECT_NAME_BYTES - prefixBytes - KEYED_DIR.length) / 2);
  }

  /** The object name for a key; undefined for a key that is not valid Unicode (a lone surrogate has no UTF-8). */
  objectName(key: string): string | undefined {
    if (!isWellFormed(key)) return undefined;
    const bytes = Buffer.from(key, 'utf8');
    if (bytes.length <= this.maxKeyedBytes) return `${this.tierPrefix}${KEYED_DIR}${bytes.toString('hex')}`;
    return `${this.tierPrefix}${HASHED_DIR}${createHash('sha256').update(bytes).digest('hex')}`;
  }

  /**
   * The listing prefix that covers every keyed object whose key starts with prefix, or undefined when no
   * stored key can start with it. A trailing lone high surrogate is half of a character a stored key may
   * hold, so it is left out of the listing and the caller filters by `keyOf(name).startsWith(prefix)`.
   */
  keyedListPrefix(prefix: string): string | undefined {
    const whole = /[\uD800-\uDBFF]$/.test(prefix) ? prefix.slice(0, -1) : prefix;
    if (!isWellFormed(whole)) return undefined;
    const bytes = Buffer.from(whole, 'utf8');
    if (bytes.length > this.maxKeyedBytes) return undefined;
    return `${this.tierPrefix}${KEYED_DIR}${bytes.toString('hex')}`;
  }

  hashedListPrefix(): string {
    return `${this.tierPrefix}${HASHED_DIR}`;
  }

  /** Whether a name has the form of this tier's objects (keyed hex or a sha256 under the hashed folder). */
  isTierObjectName(objectName: string): boolean {
    if (this.keyOf(objectName) !== undefined) return true;
    const hashed = this.hashedListPrefix();
    return objectName.startsWith(hashed) && /^[0-9a-f]{64}$/.test(objectName.slice(hashed.length));
  }

  /** The key a keyed object name stands for; undefined for any other name. */
  keyOf(objectName: string): string | undefined {
    const start = `${this.tierPrefix}${KEYED_DIR}`;
    if (!objectName.startsWith(start)) return undefined;
    const hex = objectName.slice(start.length);
    if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/.test(hex)) return undefined;
    return Buffer.from(hex, 'hex').toString('utf8');
  }
}

/** x-amz-meta-* values travel as HTTP headers: the key is percent-encoded so any Unicode key is ASCII there. */
export function encodeMeta(meta: ObjectMeta): Record<string, string> | undefined {
  const key = encodeURIComponent(meta.key);
  if (key.length > MAX_METADATA_KEY_CHARS) return undefined;
  return { [META_KEY]: key, [META_EXPIRES]: String(meta.expiresAt), [META_COMPRESSION]: meta.compression };
}

/** Undefined when the metadata is missing or not ours (an object written by something else, or damaged). */
export function decodeMeta(metadata: Record<string, string> | undefined): ObjectMeta | undefined {
  const rawKey = metadata?.[META_KEY];
  const rawExpires = metadata?.[META_EXPIRES];
  const compression = metadata?.[META_COMPRESSION];
  if (rawKey === undefined || rawExpires === undefined || !isCompression(compression)) return undefined;
  const expiresAt = Number(rawExpires);
  if (rawExpires.trim() === '' || Number.isNaN(expiresAt)) return undefined;
  try {
    return { key: decodeURIComponent(rawKey), expiresAt, compression };
  } catch {
    return undefined;
  }
}

function isWellFormed(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}
