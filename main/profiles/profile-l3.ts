import { joinUrlSecret, splitUrlSecret } from './url-secrets.ts';

/**
 * A profile's object-store tier (L3): a folder path, or an `s3://ACCESS_KEY_ID:SECRET@bucket/prefix?…` URL. The
 * URL is kept on disk without its secret (the access key id is an identifier, not a secret, and stays); the
 * secret goes where the passwords go (memory, or the encrypted secret when the user asked). An S3 URL without an
 * access key id has no secret: the engine then uses the AWS_* variables or the SDK's default chain. Validating
 * the URL is the engine's (it knows the cache's rules); this only splits, masks and joins.
 */

/** The L3 as profiles.json holds it. */
export interface StoredL3 {
  url: string;
  hasSecret: boolean;
}

/** How a saved secret appears in the URL the console shows (the same mask as the passwords'). */
const MASK = '****';

/**
 * The L3 to store and its secret, from what a save gives: undefined keeps the old one (an edit that does not
 * mention it), '' removes it. A URL with an access key id but no secret, or with the masked secret, keeps the
 * old secret when the old URL had the same access key id.
 */
export function splitL3(
  given: string | undefined,
  old: { l3: StoredL3 | null; secret: string | null },
): { l3: StoredL3 | null; secret: string | null; given: boolean } {
  if (given === undefined) return { ...old, given: false };
  if (given.trim() === '') return { l3: null, secret: null, given: true };
  const split = splitUrlSecret(given.trim());
  const sameKey = old.l3 !== null && accessKeyOf(old.l3.url) === accessKeyOf(split.url);
  const secret = split.password === null || split.password === MASK ? (sameKey ? old.secret : null) : split.password;
  const hasSecret = accessKeyOf(split.url) !== null && (secret !== null || (sameKey && old.l3!.hasSecret));
  return { l3: { url: split.url, hasSecret }, secret, given: split.password !== null && split.password !== MASK };
}

/** The URL the console shows: the secret masked. */
export function l3DisplayUrl(l3: StoredL3): string {
  return l3.hasSecret ? joinUrlSecret(l3.url, MASK) : l3.url;
}

/** The URL to connect with, secret included. */
export function l3ConnectionUrl(l3: StoredL3, secret: string | null): string {
  return joinUrlSecret(l3.url, secret);
}

/** The access key id (user part) of an s3:// URL; null for a folder or a URL without one. */
function accessKeyOf(url: string): string | null {
  const match = /^s3:\/\/([^/?#@]*)@/i.exec(url);
  return match?.[1] ? match[1] : null;
}
