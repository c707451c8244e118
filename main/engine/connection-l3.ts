import { ContractError } from '../contract/api.ts';
import { createObjectTier, describeObjectTier, ObjectTierConfigError, parseObjectTierUrl } from '../cache/index.ts';
import type { ConnectionTest } from '../contract/profiles.ts';
import type { CacheSettings } from './cache-session.ts';

/**
 * A connection's own object-store tier (the connection form's or a saved profile's `l3Url`) as cache settings,
 * or undefined for none (the engine's start-up L3 then applies). An invalid URL is an `l3-config-invalid`
 * error listing the problems; it never repeats the URL, which may hold a secret.
 */
/** For a connection test: whether an S3 L3 answers a listing (a folder is made on first write: nothing to test). */
export async function testConnectionL3(l3: CacheSettings['l3'] | undefined): Promise<ConnectionTest['l3']> {
  if (l3?.kind !== 's3') return undefined;
  const store = createObjectTier(l3.config);
  try {
    const message = (await store.check?.()) ?? null;
    return { location: describeObjectTier(l3.config), reachable: message === null, message };
  } finally {
    await store.close?.();
  }
}

export function connectionL3(url: string | null | undefined): CacheSettings['l3'] | undefined {
  if (url === null || url === undefined || url.trim() === '') return undefined;
  try {
    const config = parseObjectTierUrl(url);
    return config.kind === 's3' ? { kind: 's3', config } : { kind: 'folder', dir: config.dir };
  } catch (error) {
    if (!(error instanceof ObjectTierConfigError)) throw error;
    throw new ContractError(
      'l3-config-invalid',
      `The object store (L3) is not valid: ${error.problems.join('; ')}.`,
      'Give an absolute folder path, or s3://bucket/prefix?endpoint=http://host:port&forcePathStyle=true (credentials as s3://KEY_ID:SECRET@bucket/…, / in the secret as %2F, or none to use the AWS_* environment variables).',
    );
  }
}
