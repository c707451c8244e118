import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { objectTierUrlFields, ObjectTierConfigError, parseObjectTierConfig, type ObjectTierConfig } from '../../main/cache/index.ts';
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
 * `--cache-l3 s3://bucket/prefix?endpoint=URL&region=R&forcePathStyle=true` as an S3 configuration (the URL
 * form is main/cache's, shared with saved profiles). Credentials never go on the command line (they would show
 * in `ps`): the AWS SDK reads them from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or a profile.
 */
export function parseS3Flag(value: string): ObjectTierConfig {
  let fields: Record<string, unknown>;
  try {
    fields = objectTierUrlFields(value);
  } catch (error) {
    if (error instanceof ObjectTierConfigError) throw new InvalidArgumentError(`--cache-l3: ${error.problems.join('; ')}.`);
    throw error;
  }
  if (fields.accessKeyId !== undefined || fields.secretAccessKey !== undefined) {
    throw new InvalidArgumentError(
      '--cache-l3: credentials do not belong on the command line (ps shows them); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead.',
    );
  }
  return fields as ObjectTierConfig;
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
      `--cache-l3-max bounds the folder tier only; with --cache-l3 ${l3 === 'off' ? 'off' : 'an S3 bucket'} it has nothing to bound (a bucket's expired objects are removed by the engine's sweep; bound its size with a lifecycle rule).`,
    );
  }
  if (l3 === 'off') return { l1Bytes, l3: { kind: 'off' } };
  if (!l3.startsWith('s3://')) return { l1Bytes, l3: { kind: 'folder', dir: path.resolve(l3), ...folder } };
  try {
    const config = parseObjectTierConfig(parseS3Flag(l3));
    // The engine builds the bucket tier itself, so its expiry sweep waits on the engine's background gate.
    if (config.kind === 's3') return { l1Bytes, l3: { kind: 's3', config } };
    return { l1Bytes, l3: { kind: 'folder', dir: config.dir } };
  } catch (error) {
    if (error instanceof ObjectTierConfigError) throw new InvalidArgumentError(`--cache-l3: ${error.message}`);
    throw error;
  }
}
