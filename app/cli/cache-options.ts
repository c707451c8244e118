import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { createObjectTier, ObjectTierConfigError, type ObjectTierConfig } from '../../main/cache/index.ts';
import type { CacheSettings } from '../../main/engine/index.ts';
import { parseStorageSize } from './storage-size.ts';

export interface CacheFlags {
  /** false with --no-cache */
  cache: boolean;
  /** L1 budget in MiB. */
  cacheL1: number;
  /** A folder, `off`, or `s3://bucket/prefix?endpoint=…&region=…&forcePathStyle=true`. */
  cacheL3?: string;
  /** The folder tier's byte budget, as a size ("2GB", "500MiB"). */
  cacheL3Max?: string;
}

/**
 * `--cache-l3 s3://bucket/prefix?endpoint=URL&region=R&forcePathStyle=true` as an S3 configuration.
 * Credentials never go on the command line (they would show in `ps`): the AWS SDK reads them from
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or a profile.
 */
export function parseS3Flag(value: string): ObjectTierConfig {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(
      `--cache-l3 "${value}" is not a URL; write s3://bucket/prefix (and ?endpoint=http://host:port for a non-AWS store).`,
    );
  }
  const known = new Set(['endpoint', 'region', 'forcePathStyle']);
  const unknown = [...url.searchParams.keys()].filter((key) => !known.has(key));
  if (unknown.length > 0)
    throw new InvalidArgumentError(`--cache-l3: unknown parameter ${unknown.join(', ')} (known: endpoint, region, forcePathStyle).`);
  const forcePathStyle = url.searchParams.get('forcePathStyle');
  if (forcePathStyle !== null && forcePathStyle !== 'true' && forcePathStyle !== 'false') {
    throw new InvalidArgumentError(`--cache-l3: forcePathStyle must be true or false, got "${forcePathStyle}".`);
  }
  const prefix = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return {
    kind: 's3',
    bucket: url.hostname,
    ...(prefix ? { prefix } : {}),
    ...(url.searchParams.get('endpoint') ? { endpoint: url.searchParams.get('endpoint')! } : {}),
    ...(url.searchParams.get('region') ? { region: url.searchParams.get('region')! } : {}),
    ...(forcePathStyle !== null ? { forcePathStyle: forcePathStyle === 'true' } : {}),
  } as ObjectTierConfig;
}

/** The cache flags as engine settings: --no-cache, --cache-l1 MiB, --cache-l3 DIR|off|s3://…; bad values throw with what to write. */
export function cacheSettings(flags: CacheFlags): CacheSettings | false {
  if (flags.cache === false) return false;
  const l1Bytes = Math.round(flags.cacheL1 * 1024 * 1024);
  const l3 = flags.cacheL3;
  const maxBytes = flags.cacheL3Max === undefined ? undefined : parseStorageSize('--cache-l3-max', flags.cacheL3Max);
  const folder = maxBytes === undefined ? {} : { maxBytes };
  if (l3 === undefined) return { l1Bytes, l3: { kind: 'folder', ...folder } };
  if (maxBytes !== undefined && (l3 === 'off' || l3.startsWith('s3://'))) {
    throw new InvalidArgumentError(
      `--cache-l3-max bounds the folder tier only; with --cache-l3 ${l3 === 'off' ? 'off' : 'an S3 bucket'} it has nothing to bound (for a bucket, use a lifecycle rule).`,
    );
  }
  if (l3 === 'off') return { l1Bytes, l3: { kind: 'off' } };
  if (!l3.startsWith('s3://')) return { l1Bytes, l3: { kind: 'folder', dir: path.resolve(l3), ...folder } };
  const config = parseS3Flag(l3);
  try {
    const store = createObjectTier(config);
    const location =
      config.kind === 's3'
        ? `s3://${config.bucket}/${config.prefix ?? 'hotpath-cache/'}${config.endpoint ? ` at ${config.endpoint}` : ''}`
        : l3;
    return { l1Bytes, l3: { kind: 'store', store, location } };
  } catch (error) {
    if (error instanceof ObjectTierConfigError) throw new InvalidArgumentError(`--cache-l3: ${error.message}`);
    throw error;
  }
}
