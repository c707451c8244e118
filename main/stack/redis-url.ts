import { maskConnectionString } from './secret-mask.ts';
import { StackError } from './stack-errors.ts';
import type { ConnectTarget } from './stack-errors.ts';

export interface ParsedRedisUrl {
  url: string;
  displayUrl: string;
  tls: boolean;
  /** The database number from the path, when one is given. */
  db: number | undefined;
  target: ConnectTarget;
}

const EXAMPLE = 'redis://:password@127.0.0.1:6379/0';

function malformed(problem: string, hint = `A Redis URL looks like ${EXAMPLE} (rediss:// for TLS).`): StackError {
  return new StackError('malformed-url', `The Redis URL is not valid: ${problem}.`, hint);
}

/** The Redis URL with every password (user part, `?password=`, `?sentinelPassword=`) masked; see `maskConnectionString`. */
export function maskRedisUrl(url: string): string {
  return maskConnectionString(url);
}

/** Validates a redis:// or rediss:// URL (host, port range, database number) before ioredis sees it. */
export function parseRedisUrl(input: string): ParsedRedisUrl {
  const url = input.trim();
  if (url === '') throw malformed('it is empty');
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(\/[^?#]*)?(\?[^#]*)?$/.exec(url);
  if (!match) throw malformed(url.includes('://') ? 'it cannot be read as a URL' : 'it does not start with redis:// or rediss://');
  const scheme = (match[1] ?? '').toLowerCase();
  if (scheme !== 'redis' && scheme !== 'rediss') {
    const pg = scheme.startsWith('postgres') ? ' (this looks like a PostgreSQL URL)' : '';
    throw malformed(`the scheme "${scheme}://" is not Redis's${pg}`);
  }
  const authority = match[2] ?? '';
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(hostPort);
  const host = v6 ? (v6[1] ?? '') : (hostPort.split(':')[0] ?? '');
  const portText = v6 ? v6[2] : hostPort.split(':')[1];
  if (!v6 && hostPort.split(':').length > 2)
    throw malformed('the host has several colons', 'Write IPv6 addresses in brackets: redis://[::1]:6379.');
  if (host === '') throw malformed('it names no host', `Put the host after //, e.g. ${EXAMPLE}.`);
  let port = 6379;
  if (portText !== undefined && portText !== '') {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw malformed(`the port ${JSON.stringify(portText)} is not a number between 1 and 65535`);
    }
    port = Number(portText);
  }
  const path = (match[3] ?? '').replace(/^\//, '');
  let db: number | undefined;
  if (path !== '') {
    if (!/^\d+$/.test(path))
      throw malformed(`the database ${JSON.stringify(path)} is not a number`, 'Redis databases are numbered: redis://host:6379/0.');
    db = Number(path);
  }
  const target: ConnectTarget = { host, port };
  if (db !== undefined) target.database = String(db);
  return { url, displayUrl: maskRedisUrl(url), tls: scheme === 'rediss', db, target };
}
