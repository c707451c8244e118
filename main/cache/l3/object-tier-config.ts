/**
 * The L3 configuration a user writes: a local folder or an S3-compatible bucket. Every rule says what is
 * expected, phrased to follow a field path (`bucket: must be …`). Credentials are optional: without
 * them the AWS SDK's default chain applies (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE,
 * instance and container roles), which keeps secrets out of configuration files.
 */
import { z } from 'zod';
import { FolderTier } from './folder-tier.ts';
import type { ObjectTier } from './object-tier.ts';
import { MAX_TIER_PREFIX_BYTES } from './s3-object-layout.ts';
import { S3Tier } from './s3-tier.ts';

function strictObject<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `is not a known field here (allowed: ${allowed})` : 'must be a mapping (key: value)',
  });
}

const text = (what: string) => z.string({ error: `must be ${what}` }).min(1, { error: `must be ${what}, not empty` });

const folderSchema = strictObject({
  kind: z.literal('folder'),
  dir: text('the path of a folder'),
});

// The rules of AWS general-purpose buckets, which S3-compatible servers follow too.
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const s3Schema = strictObject({
  kind: z.literal('s3'),
  bucket: z
    .string({ error: 'must be a bucket name' })
    .regex(BUCKET_NAME, {
      error:
        'must be a bucket name of 3 to 63 characters: lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit',
    })
    .refine((name) => !name.includes('..'), { error: 'must not contain two dots in a row' })
    .refine((name) => !/^\d+\.\d+\.\d+\.\d+$/.test(name), { error: 'must not look like an IP address' }),
  prefix: z
    .string({ error: 'must be a key prefix such as "hotpath-cache/"' })
    .refine((prefix) => Buffer.byteLength(prefix, 'utf8') <= MAX_TIER_PREFIX_BYTES, {
      error: `must be at most ${MAX_TIER_PREFIX_BYTES} bytes`,
    })
    .optional(),
  endpoint: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL, such as http://127.0.0.1:9000' }).optional(),
  region: text('an AWS region such as us-east-1').optional(),
  forcePathStyle: z.boolean({ error: 'must be true or false' }).optional(),
  accessKeyId: text('an access key id').optional(),
  secretAccessKey: text('a secret access key').optional(),
}).superRefine((value, ctx) => {
  // One without the other would silently fall back to the default chain for the missing half.
  if ((value.accessKeyId === undefined) !== (value.secretAccessKey === undefined)) {
    const missing = value.accessKeyId === undefined ? 'accessKeyId' : 'secretAccessKey';
    ctx.addIssue({
      code: 'custom',
      path: [missing],
      message: 'must be given together with the other key, or both left out to use the AWS environment variables or profile',
    });
  }
});

export const objectTierConfigSchema = z.discriminatedUnion('kind', [folderSchema, s3Schema], {
  error: 'must be { kind: "folder", dir } or { kind: "s3", bucket, … }',
});

export type ObjectTierConfig = z.infer<typeof objectTierConfigSchema>;
export type S3TierConfig = Extract<ObjectTierConfig, { kind: 's3' }>;

/** Invalid L3 configuration; the message lists every problem with its field. */
export class ObjectTierConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`The L3 cache configuration is invalid: ${problems.join('; ')}. Fix these fields and start again.`);
    this.name = 'ObjectTierConfigError';
  }
}

export function parseObjectTierConfig(input: unknown): ObjectTierConfig {
  const parsed = objectTierConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new ObjectTierConfigError(
    parsed.error.issues.map((issue) => (issue.path.length === 0 ? issue.message : `${issue.path.join('.')}: ${issue.message}`)),
  );
}

/** What the host adds to a configuration: the gate background work (the S3 expiry sweep) waits on. */
export interface ObjectTierHost {
  gate?: { whenRunning(): Promise<void> };
}

/** Validates the configuration (throws ObjectTierConfigError) and builds its tier. */
export function createObjectTier(input: unknown, host: ObjectTierHost = {}): ObjectTier {
  const config = parseObjectTierConfig(input);
  if (config.kind === 'folder') return new FolderTier({ dir: config.dir });
  return new S3Tier({
    ...(host.gate ? { gate: host.gate } : {}),
    bucket: config.bucket,
    ...(config.prefix !== undefined ? { prefix: config.prefix } : {}),
    ...(config.endpoint !== undefined ? { endpoint: config.endpoint } : {}),
    ...(config.region !== undefined ? { region: config.region } : {}),
    ...(config.forcePathStyle !== undefined ? { forcePathStyle: config.forcePathStyle } : {}),
    ...(config.accessKeyId !== undefined && config.secretAccessKey !== undefined
      ? { credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } }
      : {}),
  });
}
