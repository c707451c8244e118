import { isKeywordDsn, keywordDsnToUrl, isSecretKey, StackError } from '../stack/index.ts';

/** A URL split into what may be written to disk and its password. */
export interface SplitUrl {
  /** The URL without any password (neither in the user part nor as a `password=` parameter). */
  url: string;
  /** The password, percent-decoded (exactly what the server is sent), or null when the URL had none. */
  password: string | null;
}

// scheme :// authority path? query? fragment? — the same split `parsePgUrl` and `parseRedisUrl` make, so
// that what we store is read back the same way.
const URL_PATTERN = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/;

function malformed(what: string, problem: string): StackError {
  return new StackError(
    'malformed-url',
    `The ${what} URL is not valid: ${problem}.`,
    'Percent-encode special characters in the password: % as %25, @ as %40, / as %2F, : as %3A, # as %23.',
  );
}

function kindOf(scheme: string): 'PostgreSQL' | 'Redis' {
  return /^rediss?(\+sentinel|\+cluster)?:\/\/$/i.test(scheme) ? 'Redis' : 'PostgreSQL';
}

function decodePassword(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw malformed(what, 'the password contains an invalid percent-encoding (a % not followed by two hex digits)');
  }
}

/**
 * Removes `password` and every other secret parameter (`sslpassword`; the sentinels' `sentinelPassword`, which a
 * profile keeps apart with `sentinelPasswordOf` / `joinSentinelPassword`) from a query string, keeping every other
 * parameter's text byte for byte. A key counts by its decoded name (`pass%77ord` is `password` to the drivers). Returns the decoded
 * password parameter.
 */
function stripQueryPassword(query: string): { query: string; password: string | null } {
  let password: string | null = null;
  const kept = query
    .slice(1)
    .split('&')
    .filter((pair) => {
      // URLSearchParams is what parsePgUrl reads with (+ is a space, bad escapes stay as they are).
      const [key, value] = [...new URLSearchParams(pair)][0] ?? ['', ''];
      if (key === 'password') {
        password = value;
        return false;
      }
      return !isSecretKey(key);
    });
  return { query: kept.some((p) => p !== '') ? `?${kept.join('&')}` : '', password };
}

/**
 * Splits a PostgreSQL or Redis URL into the URL without its password and the password. The user part ends at
 * the last @ of the authority, as in `parsePgUrl`, so a password with an unencoded @ still comes off whole.
 * An empty password counts as none. Call it on URLs that `parsePgUrl`/`parseRedisUrl` accepted.
 */
export function splitUrlSecret(input: string): SplitUrl {
  // A keyword/value string is stored as the equivalent URL: one form on disk, one way to split and join it.
  const url = isKeywordDsn(input) ? keywordDsnToUrl(input.trim()) : input.trim();
  const match = URL_PATTERN.exec(url);
  if (!match) return { url, password: null };
  const [, scheme = '', authority = '', path = '', rawQuery, fragment = ''] = match;
  const what = kindOf(scheme);
  const at = authority.lastIndexOf('@');
  let userInfo = at >= 0 ? authority.slice(0, at) : '';
  const hostPart = at >= 0 ? authority.slice(at + 1) : authority;
  let password: string | null = null;
  const colon = userInfo.indexOf(':');
  if (colon >= 0) {
    password = decodePassword(userInfo.slice(colon + 1), what);
    userInfo = userInfo.slice(0, colon);
  }
  let query = rawQuery ?? '';
  if (query !== '') {
    const stripped = stripQueryPassword(query);
    query = stripped.query;
    // libpq (and parsePgUrl) let the parameter win over the user part; ioredis lets the user part win.
    if (stripped.password !== null && (what === 'PostgreSQL' || password === null || password === '')) password = stripped.password;
  }
  const rebuilt = `${scheme}${userInfo === '' ? '' : `${userInfo}@`}${hostPart}${path}${query}${fragment}`;
  return { url: rebuilt, password: password === '' ? null : password };
}

/**
 * Puts a password back into a URL made by `splitUrlSecret`. It goes into the user part when there is a user
 * name there (or the URL is Redis's, whose form is `redis://:password@host`); otherwise into a `password=`
 * parameter, because `postgres://:pw@host` would send an empty user name.
 */
export function joinUrlSecret(url: string, password: string | null): string {
  if (password === null || password === '') return url;
  const match = URL_PATTERN.exec(url);
  if (!match) return url;
  const [, scheme = '', authority = '', path = '', query = '', fragment = ''] = match;
  const encoded = encodeURIComponent(password);
  const at = authority.lastIndexOf('@');
  const user = at >= 0 ? authority.slice(0, at) : '';
  const hostPart = at >= 0 ? authority.slice(at + 1) : authority;
  if (user !== '' || kindOf(scheme) === 'Redis') return `${scheme}${user}:${encoded}@${hostPart}${path}${query}${fragment}`;
  return `${scheme}${hostPart}${path}${query === '' ? '?' : `${query}&`}password=${encoded}${fragment}`;
}

/**
 * The sentinels' own password of a `redis+sentinel://` URL (its `sentinelPassword` parameter, decoded as
 * `parseRedisUrl` reads it), or null: none, empty, or not a Sentinel URL. `splitUrlSecret` drops the parameter with
 * the other secrets; a profile keeps this value where it keeps the Redis password.
 */
export function sentinelPasswordOf(url: string): string | null {
  const match = URL_PATTERN.exec(url.trim());
  if (!match || !/^rediss?\+sentinel:\/\/$/i.test(match[1] ?? '')) return null;
  const value = new URLSearchParams((match[4] ?? '').slice(1)).get('sentinelPassword');
  return value === null || value === '' ? null : value;
}

/** Puts the sentinels' password back into a URL made by `splitUrlSecret`, as its `sentinelPassword` parameter. */
export function joinSentinelPassword(url: string, sentinelPassword: string | null): string {
  if (sentinelPassword === null || sentinelPassword === '') return url;
  const match = URL_PATTERN.exec(url);
  if (!match) return url;
  const [, scheme = '', authority = '', path = '', query = '', fragment = ''] = match;
  return `${scheme}${authority}${path}${query === '' ? '?' : `${query}&`}sentinelPassword=${encodeURIComponent(sentinelPassword)}${fragment}`;
}
