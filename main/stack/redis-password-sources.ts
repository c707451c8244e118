import type { ParsedRedisUrl } from './redis-url.ts';

/**
 * A Redis password from outside the URL, as redis-cli takes it: the URL's own password (user part or
 * `?password=`) wins; otherwise REDISCLI_AUTH (redis-cli's variable for keeping the password off the command
 * line). `--redis-password-file` is put into the URL by the CLI before this runs, so it counts as the URL's.
 */
export const REDIS_PASSWORD_VARIABLE = 'REDISCLI_AUTH';

/** Whether the URL carries a password ioredis will send (user part or a `password` query parameter). */
export function redisUrlHasPassword(url: string): boolean {
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)[^?#]*(\?[^#]*)?/.exec(url);
  if (!match) return false;
  const authority = match[1] ?? '';
  const at = authority.lastIndexOf('@');
  const userInfo = at >= 0 ? authority.slice(0, at) : '';
  const colon = userInfo.indexOf(':');
  if (colon >= 0 && userInfo.slice(colon + 1) !== '') return true;
  return new URLSearchParams((match[2] ?? '').slice(1)).get('password') ? true : false;
}

/** The URL with `password` in its user part (`redis://:pw@host`, or `redis://user:pw@host` with an ACL user). */
export function withRedisPassword(url: string, password: string): string {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url)?.[0];
  if (!scheme) return url;
  const rest = url.slice(scheme.length);
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  const at = authority.lastIndexOf('@');
  const user = at >= 0 ? (authority.slice(0, at).split(':')[0] ?? '') : '';
  const hostPart = at >= 0 ? rest.slice(at + 1) : rest;
  return `${scheme}${user}:${encodeURIComponent(password)}@${hostPart}`;
}

/** The URL ioredis should connect with: the given one, or with REDISCLI_AUTH's password when it has none. */
export function resolveRedisPassword(
  parsed: ParsedRedisUrl,
  env: Record<string, string | undefined>,
): { url: string; password: string | null } {
  if (redisUrlHasPassword(parsed.url)) return { url: parsed.url, password: null };
  const fromEnv = env[REDIS_PASSWORD_VARIABLE];
  return fromEnv ? { url: withRedisPassword(parsed.url, fromEnv), password: fromEnv } : { url: parsed.url, password: null };
}
