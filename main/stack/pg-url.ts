import type pg from 'pg';
import { isSslMode, resolveTls, SSL_MODES } from './pg-tls.ts';
import type { PgTlsOptions, SslMode } from './pg-tls.ts';
import { isKeywordDsn, keywordDsnToUrl } from './pg-keyword-dsn.ts';
import { maskConnectionString } from './secret-mask.ts';
import { StackError } from './stack-errors.ts';
import type { ConnectTarget } from './stack-errors.ts';

export interface PgUrlOptions {
  /** TLS settings from outside the URL (a saved profile); they win over the URL's ssl* parameters. */
  tls?: PgTlsOptions;
  /** Used when the URL has no connect_timeout. */
  connectTimeoutMs?: number;
  applicationName?: string;
}

export interface ParsedPgUrl {
  /** What pools connect with. For sslmode prefer/allow this is the TLS attempt; see `tlsFallback`. */
  config: pg.ClientConfig;
  sslMode: SslMode;
  /** prefer/allow: if the server has no TLS, connect again with `ssl: false`. */
  tlsFallback: boolean;
  /** The URL with the password masked. */
  displayUrl: string;
  target: ConnectTarget;
  /** Query parameters Hotpath does not use (e.g. Prisma's `schema`), so the host can tell the user. */
  ignoredParameters: string[];
  /** libpq's `passfile` parameter: the password file to read instead of PGPASSFILE / ~/.pgpass. */
  passfile?: string;
}

const EXAMPLE = 'postgres://user:password@db.example.com:5432/mydb';
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Parameters we understand; everything else is reported in `ignoredParameters`, never silently dropped. */
const KNOWN_PARAMETERS = new Set([
  'sslmode',
  'sslrootcert',
  'sslcert',
  'sslkey',
  'connect_timeout',
  'application_name',
  'host',
  'port',
  'user',
  'password',
  'dbname',
  'passfile',
]);

function malformed(problem: string, hint = `A PostgreSQL URL looks like ${EXAMPLE}.`): StackError {
  return new StackError('malformed-url', `The PostgreSQL URL is not valid: ${problem}.`, hint);
}

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw malformed(
      `the ${what} contains an invalid percent-encoding (a % not followed by two hex digits)`,
      'Percent-encode special characters: % as %25, @ as %40, / as %2F, : as %3A.',
    );
  }
}

function parsePort(text: string, where: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw malformed(`the port ${JSON.stringify(text)}${where} is not a number between 1 and 65535`);
  }
  return Number(text);
}

/** Splits `host`, `host:port`, `[v6]` or `[v6]:port`; rejects what libpq would read as several hosts. */
function parseHostPort(authority: string): { host: string; port?: number } {
  if (authority.includes(',')) {
    throw malformed(
      'it names several hosts',
      "Give one host; give read replicas with --pg-replica (one URL each), or in the profile's read replicas.",
    );
  }
  let host: string;
  let portText: string | undefined;
  const v6 = /^\[([^\]]*)\](?::(.*))?$/.exec(authority);
  if (v6) {
    host = v6[1] ?? '';
    portText = v6[2];
  } else {
    const parts = authority.split(':');
    if (parts.length > 2)
      throw malformed(
        `the host ${JSON.stringify(authority)} has several colons`,
        'Write IPv6 addresses in brackets: postgres://user@[::1]:5432/db.',
      );
    host = parts[0] ?? '';
    portText = parts[1];
  }
  host = decode(host, 'host');
  if (!host.startsWith('/') && /[\s/\\?#@]/.test(host))
    throw malformed(`the host ${JSON.stringify(host)} contains characters a host name cannot have`);
  return portText === undefined || portText === '' ? { host } : { host, port: parsePort(portText, '') };
}

/** The connection string (URL or keyword/value) with every password masked; see `maskConnectionString`. */
export function maskPgUrl(url: string): string {
  return maskConnectionString(url);
}

/**
 * Parses a `postgres://` / `postgresql://` URL (libpq's URI form), or a keyword/value string
 * (`host=db dbname=app user=me`, libpq's other form), into the config `pg` connects with.
 * Anything wrong becomes StackError('malformed-url') naming the part that is wrong.
 */
export function parsePgUrl(input: string, options: PgUrlOptions = {}): ParsedPgUrl {
  const given = input.trim();
  if (given === '') throw malformed('it is empty');
  const keywordForm = isKeywordDsn(given);
  const url = keywordForm ? keywordDsnToUrl(given) : given;
  const sections = splitPgUrl(url);
  const params = new URLSearchParams(sections.query.replace(/^\?/, ''));
  const ignoredParameters = [...new Set([...params.keys()].filter((k) => !KNOWN_PARAMETERS.has(k)))];
  const param = (name: string): string | undefined => params.get(name) ?? undefined;
  const { user, password, host, port, database } = withEndpointParameters(readEndpoint(url, sections), param);
  requireHostAndDatabase({ host, port, database }, keywordForm);
  const urlSslMode = sslModeOf(param('sslmode'));
  const connectTimeoutMs = connectTimeoutOf(param('connect_timeout'), options.connectTimeoutMs);
  const tls = resolveTls(options.tls?.mode ?? urlSslMode, tlsOptionsOf(options.tls, param));

  const resolvedPort = port ?? 5432;
  const config: pg.ClientConfig = {
    host,
    port: resolvedPort,
    database,
    ssl: tls.ssl,
    connectionTimeoutMillis: connectTimeoutMs,
    application_name: param('application_name') ?? options.applicationName ?? 'hotpath',
  };
  if (user !== undefined) config.user = user;
  if (password !== undefined) config.password = password;

  const target: ConnectTarget = { host, port: resolvedPort, database, sslMode: tls.mode, timeoutMs: connectTimeoutMs };
  if (user !== undefined) target.user = user;
  const parsed: ParsedPgUrl = {
    config,
    sslMode: tls.mode,
    tlsFallback: tls.fallbackToPlain,
    displayUrl: maskConnectionString(given),
    target,
    ignoredParameters,
  };
  const passfile = param('passfile');
  if (passfile) parsed.passfile = passfile;
  return parsed;
}

/** A URL's authority (user info, host, port), path and query, as written. */
interface UrlSections {
  authority: string;
  path: string;
  query: string;
}

/** Splits the URL after the checks its shape allows: a URL at all, PostgreSQL's scheme, no #fragment. */
function splitPgUrl(url: string): UrlSections {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(\/[^?#]*)?(\?[^#]*)?(#.*)?$/.exec(url);
  if (!match) {
    throw malformed(
      /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url) ? 'it cannot be read as a URL' : 'it does not start with postgres:// or postgresql://',
    );
  }
  const scheme = (match[1] ?? '').toLowerCase();
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    const redis = scheme === 'redis' || scheme === 'rediss' ? ' (this looks like a Redis URL: pass it as the Redis URL instead)' : '';
    throw malformed(`the scheme "${scheme}://" is not PostgreSQL's${redis}`, `Use postgres:// or postgresql://, e.g. ${EXAMPLE}.`);
  }
  if (match[5] !== undefined && !url.slice(0, url.indexOf('#')).includes('@') && url.slice(url.indexOf('#')).includes('@')) {
    throw malformed('the user name or password seems to contain an unencoded #', 'Percent-encode # in a password as %23.');
  }
  if (match[5])
    throw malformed(
      'it has a #fragment, which PostgreSQL URLs do not use',
      'Remove the part from # on; percent-encode # in a password as %23.',
    );
  return { authority: match[2] ?? '', path: match[3] ?? '', query: match[4] ?? '' };
}

/** Where to connect and as whom. */
interface Endpoint {
  user: string | undefined;
  password: string | undefined;
  host: string;
  port: number | undefined;
  database: string;
}

/** The endpoint the URL's authority and path name, decoded. */
function readEndpoint(url: string, sections: UrlSections): Endpoint {
  const { authority } = sections;
  const at = authority.lastIndexOf('@');
  // An @ after the host but before any `=` means a password with an unencoded / ? or #: say so without echoing it.
  const afterAuthority = url.slice(url.indexOf('//') + 2 + authority.length);
  const laterAt = afterAuthority.indexOf('@');
  if (at < 0 && laterAt >= 0 && !afterAuthority.slice(0, laterAt).includes('=')) {
    throw malformed(
      'the user name or password seems to contain an unencoded /, ? or #',
      'Percent-encode special characters in the password: / as %2F, ? as %3F, # as %23, @ as %40.',
    );
  }
  const userInfo = at >= 0 ? authority.slice(0, at) : '';
  const colon = userInfo.indexOf(':');
  const user = userInfo === '' ? undefined : decode(colon >= 0 ? userInfo.slice(0, colon) : userInfo, 'user name');
  const password = colon >= 0 ? decode(userInfo.slice(colon + 1), 'password') : undefined;
  const { host, port } = parseHostPort(at >= 0 ? authority.slice(at + 1) : authority);
  const database = decode(sections.path.replace(/^\//, ''), 'database name');
  return { user, password, host, port, database };
}

/** The query parameters host, port, user, password and dbname win over the URL's own parts (libpq's rule). */
function withEndpointParameters(endpoint: Endpoint, param: (name: string) => string | undefined): Endpoint {
  const result = { ...endpoint };
  const host = param('host');
  if (host) result.host = host;
  const port = param('port');
  if (port) result.port = parsePort(port, ' (port parameter)');
  const user = param('user');
  if (user) result.user = user;
  const password = param('password');
  if (password !== undefined) result.password = password;
  const database = param('dbname');
  if (database) result.database = database;
  return result;
}

function requireHostAndDatabase(endpoint: Pick<Endpoint, 'host' | 'port' | 'database'>, keywordForm: boolean): void {
  if (endpoint.host === '') {
    throw malformed(
      'it names no host',
      keywordForm
        ? "Add host=NAME (the server's host name or address), e.g. host=db.example.com dbname=app user=me."
        : `Put the server's host name or address after //, e.g. ${EXAMPLE}.`,
    );
  }
  if (endpoint.database === '') {
    throw malformed(
      'it names no database',
      keywordForm
        ? 'Add dbname=NAME, e.g. dbname=postgres.'
        : `Add the database after the host, e.g. postgres://user@${endpoint.host}:${endpoint.port ?? 5432}/postgres.`,
    );
  }
}

function sslModeOf(sslmode: string | undefined): SslMode | undefined {
  if (sslmode === undefined) return undefined;
  if (!isSslMode(sslmode)) throw malformed(`sslmode=${sslmode} is not one of ${SSL_MODES.join(', ')}`);
  return sslmode;
}

/** connect_timeout is whole seconds, and 0 means none given (libpq's reading); without it, the caller's default. */
function connectTimeoutOf(connectTimeout: string | undefined, defaultMs: number | undefined): number {
  if (connectTimeout !== undefined && !/^\d+$/.test(connectTimeout)) {
    throw malformed(`connect_timeout=${connectTimeout} is not a whole number of seconds`);
  }
  const seconds = Number(connectTimeout ?? 0);
  return seconds > 0 ? seconds * 1000 : (defaultMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
}

/** The URL's ssl* parameters naming TLS files, each under the profile's setting that wins over it. */
const TLS_FILE_PARAMETERS = [
  ['rootCertPath', 'sslrootcert'],
  ['certPath', 'sslcert'],
  ['keyPath', 'sslkey'],
] as const;

function tlsOptionsOf(profileTls: PgTlsOptions | undefined, param: (name: string) => string | undefined): PgTlsOptions {
  const options: PgTlsOptions = {};
  for (const [key, name] of TLS_FILE_PARAMETERS) {
    const value = profileTls?.[key] ?? param(name);
    if (value !== undefined) options[key] = value;
  }
  if (profileTls?.ca !== undefined) options.ca = profileTls.ca;
  return options;
}
