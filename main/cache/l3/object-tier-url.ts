/**
 * The L3 as one line of text, as the CLI flag and the console's connection form take it: a folder (an
 * absolute path) or `s3://[ACCESS_KEY_ID:SECRET@]bucket[/prefix][?endpoint=URL&region=R&forcePathStyle=true]`.
 * Credentials in the URL are for saved profiles, whose store splits the secret off and keeps it encrypted;
 * without them the AWS SDK's default chain applies (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE,
 * instance roles). `objectTierUrlFields` checks the URL's form only; `parseObjectTierUrl` also validates
 * the fields (bucket rules, endpoint) with the configuration schema.
 */
import { isAbsolute } from 'node:path';
import { ObjectTierConfigError, parseObjectTierConfig } from './object-tier-config.ts';
import type { ObjectTierConfig, S3TierConfig } from './object-tier-config.ts';

const S3_PARAMETERS = ['endpoint', 'region', 'forcePathStyle'] as const;

/** The configuration fields an L3 URL spells, unvalidated; throws ObjectTierConfigError for a malformed URL. */
export function objectTierUrlFields(value: string): Record<string, unknown> {
  const text = value.trim();
  if (!/^s3:\/\//i.test(text)) {
    // The text itself is not repeated: it may hold a secret written in the wrong place.
    if (!isAbsolute(text)) throw new ObjectTierConfigError(['must be an s3:// URL or an absolute folder path']);
    return { kind: 'folder', dir: text };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ObjectTierConfigError([
      'the s3:// URL is not a URL; write s3://bucket/prefix (and ?endpoint=http://host:port for a non-AWS store), and percent-encode / in a secret as %2F',
    ]);
  }
  const unknown = [...url.searchParams.keys()].filter((key) => !(S3_PARAMETERS as readonly string[]).includes(key));
  if (unknown.length > 0) throw new ObjectTierConfigError([`unknown parameter ${unknown.join(', ')} (known: ${S3_PARAMETERS.join(', ')})`]);
  const forcePathStyle = url.searchParams.get('forcePathStyle');
  if (forcePathStyle !== null && forcePathStyle !== 'true' && forcePathStyle !== 'false') {
    throw new ObjectTierConfigError([`forcePathStyle must be true or false, got "${forcePathStyle}"`]);
  }
  const decode = (part: string, what: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw new ObjectTierConfigError([`the ${what} contains an invalid percent-encoding (a % not followed by two hex digits)`]);
    }
  };
  const prefix = decode(url.pathname.replace(/^\//, ''), 'prefix');
  const accessKeyId = decode(url.username, 'access key id');
  const secretAccessKey = decode(url.password, 'secret');
  return {
    kind: 's3',
    bucket: url.hostname,
    ...(prefix ? { prefix } : {}),
    ...(url.searchParams.get('endpoint') ? { endpoint: url.searchParams.get('endpoint')! } : {}),
    ...(url.searchParams.get('region') ? { region: url.searchParams.get('region')! } : {}),
    ...(forcePathStyle !== null ? { forcePathStyle: forcePathStyle === 'true' } : {}),
    ...(accessKeyId ? { accessKeyId } : {}),
    ...(secretAccessKey ? { secretAccessKey } : {}),
  };
}

/** The URL as a validated configuration; throws ObjectTierConfigError listing every problem. */
export function parseObjectTierUrl(value: string): ObjectTierConfig {
  return parseObjectTierConfig(objectTierUrlFields(value));
}

/** Where the tier lives, for status lines: never the credentials. */
export function describeObjectTier(config: ObjectTierConfig): string {
  if (config.kind === 'folder') return config.dir;
  return describeS3(config);
}

function describeS3(config: S3TierConfig): string {
  return `s3://${config.bucket}/${config.prefix ?? 'hotpath-cache/'}${config.endpoint ? ` at ${config.endpoint}` : ''}`;
}
