import { isKeywordDsn, parseKeywordDsn } from './pg-keyword-dsn.ts';

/**
 * The one masking of connection strings that every place showing one uses (status, CLI output, profiles,
 * errors): PostgreSQL and Redis URLs, libpq keyword/value strings, and free text that may quote either.
 * It errs on the side of hiding: text it cannot read is masked more, never less.
 */

export const MASK = '****';

/** Query parameters / keywords whose value is a secret: libpq's password and sslpassword, ioredis' password and
 * sentinelPassword, and the usual spellings of tokens and secrets. */
const SECRET_KEY = /pass(word|wd)?$|^pwd$|secret|token|^auth$/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

function decodeKey(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/** Masks the values of secret parameters in a query (without its `?`), keeping every other byte. */
function maskQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      return isSecretKey(decodeKey(pair.slice(0, eq))) ? `${pair.slice(0, eq + 1)}${MASK}` : pair;
    })
    .join('&');
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/**
 * A URL with its user-part password and secret query parameters masked. The user part ends at the last @ of the
 * authority; when the authority (up to the first / ? #) has no @, a password may hold an unencoded / ? or #, so
 * the last @ of the whole text is taken instead (at worst part of the host is hidden too).
 */
function maskUrl(url: string): string {
  const scheme = SCHEME.exec(url)![0];
  let rest = url.slice(scheme.length);
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  const at = authority.includes('@') ? authority.lastIndexOf('@') : rest.lastIndexOf('@');
  if (at > 0) {
    const colon = rest.indexOf(':');
    if (colon >= 0 && colon < at) rest = `${rest.slice(0, colon)}:${MASK}${rest.slice(at)}`;
  }
  const q = rest.indexOf('?');
  if (q < 0) return scheme + rest;
  const hash = rest.indexOf('#', q);
  const query = hash < 0 ? rest.slice(q + 1) : rest.slice(q + 1, hash);
  return `${scheme}${rest.slice(0, q + 1)}${maskQuery(query)}${hash < 0 ? '' : rest.slice(hash)}`;
}

/** A keyword/value string with secret values masked in place; unreadable ones lose everything after the key. */
function maskKeywordDsn(text: string): string {
  try {
    let out = text;
    for (const pair of parseKeywordDsn(text).reverse()) {
      if (isSecretKey(pair.key)) out = out.slice(0, pair.valueStart) + MASK + out.slice(pair.valueEnd);
    }
    return out;
  } catch {
    return maskKeywordsInText(text, true);
  }
}

/** `password=value` (or `password = 'quoted value'`) in free text; `toEnd`: a malformed string, hide the rest. */
function maskKeywordsInText(text: string, toEnd = false): string {
  const pattern = toEnd
    ? /\b([A-Za-z_]*(?:pass(?:word|wd)?|pwd|secret|token|auth))(\s*=\s*)[\s\S]*$/gi
    : /\b([A-Za-z_]*(?:pass(?:word|wd)?|pwd|secret|token|auth))(\s*=\s*)('(?:\\.|[^'\\])*'?|[^\s&'",;)]*)/gi;
  return text.replace(pattern, (_all, key: string, eq: string) => `${key}${eq}${MASK}`);
}

/** A PostgreSQL or Redis connection string, URL or keyword/value, with every password masked. */
export function maskConnectionString(text: string): string {
  const trimmed = text.trim();
  if (SCHEME.test(trimmed)) return maskUrl(trimmed);
  if (isKeywordDsn(trimmed)) return maskKeywordDsn(trimmed);
  return trimmed;
}

/**
 * Free text (an error from a driver, a log line) with every URL and `password=` in it masked, and each of the
 * `known` secrets (the passwords actually in use) replaced wherever it appears, raw or percent-encoded.
 */
export function maskSecretsInText(text: string, known: ReadonlyArray<string | null | undefined> = []): string {
  // A URL runs to the next whitespace: quotes may be part of a password, and a closing quote taken in is harmless.
  let out = text.replace(/[A-Za-z][A-Za-z0-9+.-]*:\/\/\S*/g, (url) => maskUrl(url));
  out = maskKeywordsInText(out);
  for (const secret of known) {
    if (!secret) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(MASK);
  }
  return out;
}
