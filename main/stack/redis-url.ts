import { maskConnectionString } from './secret-mask.ts';
import { StackError } from './stack-errors.ts';
import type { ConnectTarget } from './stack-errors.ts';
import type { RedisNodeAddress, RedisTlsFiles, RedisTopology } from './stack.ts';

export interface ParsedRedisUrl {
  url: string;
  displayUrl: string;
  tls: boolean;
  /** The database number from the path, when one is given. */
  db: number | undefined;
  target: ConnectTarget;
  /** One server, a Sentinel-managed master or a Cluster, with the passwords the URL carries. */
  topology: RedisTopology;
}

const EXAMPLE = 'redis://:password@127.0.0.1:6379/0';

function malformed(problem: string, hint = `A Redis URL looks like ${EXAMPLE} (rediss:// for TLS).`): StackError {
  return new StackError('malformed-url', `The Redis URL is not valid: ${problem}.`, hint);
}

/** The Redis URL with every password (user part, `?password=`, `?sentinelPassword=`) masked; see `maskConnectionString`. */
export function maskRedisUrl(url: string): string {
  return maskConnectionString(url);
}

/**
 * Validates a Redis URL before ioredis sees it: redis:// or rediss:// (host, port range, database number), or one
 * of the two multi-server forms, which list several host:port pairs separated by commas:
 * `redis+sentinel://[[user]:password@]host:port,…/MASTER-NAME[/db][?sentinelPassword=…]` (the sentinels, port
 * 26379 by default, and the name of the master they watch) and `redis+cluster://[[user]:password@]host:port,…`
 * (seed nodes of a Redis Cluster, port 6379 by default). rediss://, rediss+sentinel:// and rediss+cluster:// are the
 * same over TLS (for Sentinel also to the sentinels), with certificate files as query parameters: see `TLS_PARAMETERS`.
 */
export function parseRedisUrl(input: string): ParsedRedisUrl {
  const url = input.trim();
  if (url === '') throw malformed('it is empty');
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(\/[^?#]*)?(\?[^#]*)?$/.exec(url);
  if (!match) throw malformed(url.includes('://') ? 'it cannot be read as a URL' : 'it does not start with redis:// or rediss://');
  const scheme = (match[1] ?? '').toLowerCase();
  const multi = MULTI_SERVER_SCHEMES[scheme];
  if (multi) return parseMultiServerUrl(url, multi, match);
  if (scheme !== 'redis' && scheme !== 'rediss') {
    const pg = scheme.startsWith('postgres') ? ' (this looks like a PostgreSQL URL)' : '';
    throw malformed(`the scheme "${scheme}://" is not Redis's${pg}`);
  }
  return parseStandaloneUrl(url, scheme, match);
}

/** redis:// and rediss://: one server, which ioredis reads from the URL itself. */
function parseStandaloneUrl(url: string, scheme: string, match: RegExpExecArray): ParsedRedisUrl {
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
  const tls = tlsFiles(match[4] ?? '', scheme === 'rediss', 'rediss://');
  // ioredis reads the URL's other parameters as options: it gets the URL without the certificate parameters.
  const topology: RedisTopology = tls ? { kind: 'standalone', url: withoutTlsParameters(url), tls } : { kind: 'standalone', url };
  return { url, displayUrl: maskRedisUrl(url), tls: tls !== undefined, db, target, topology };
}

/**
 * The certificate parameters, named after what they hold, with the `tls_` prefix of redis-server's own settings
 * (tls-ca-cert-file, tls-cert-file, tls-key-file) and redis-cli's --sni for the name. The redis-py/Celery spellings
 * (ssl_ca_certs, ssl_certfile, ssl_keyfile) are refused with the name to use, not silently ignored.
 */
const TLS_PARAMETERS = { tls_ca: 'ca', tls_cert: 'cert', tls_key: 'key', tls_servername: 'servername' } as const;
function isTlsParameter(name: string): name is keyof typeof TLS_PARAMETERS {
  return Object.hasOwn(TLS_PARAMETERS, name);
}
const OTHER_SPELLINGS: Record<string, string | undefined> = {
  ssl_ca_certs: 'tls_ca',
  ssl_certfile: 'tls_cert',
  ssl_keyfile: 'tls_key',
  sslrootcert: 'tls_ca',
  sslcert: 'tls_cert',
  sslkey: 'tls_key',
  tls_ca_cert: 'tls_ca',
  tls_sni: 'tls_servername',
};

/** The TLS settings of a URL's query: undefined for a plain scheme (which may not carry certificate parameters). */
function tlsFiles(query: string, tls: boolean, tlsScheme: string): RedisTlsFiles | undefined {
  const params = new URLSearchParams(query.slice(1));
  const files: RedisTlsFiles = {};
  for (const [name, value] of params) {
    const other = OTHER_SPELLINGS[name.toLowerCase()];
    if (other !== undefined)
      throw malformed(
        `Hotpath does not read the parameter ${name}`,
        `Use ${other}=… instead (Hotpath reads tls_ca, tls_cert, tls_key and tls_servername).`,
      );
    if (!isTlsParameter(name)) {
      if (/^(tls|ssl)_/i.test(name))
        throw malformed(
          `the parameter ${name} is not one Hotpath reads`,
          'The TLS parameters are tls_ca, tls_cert, tls_key and tls_servername.',
        );
      continue;
    }
    if (!tls)
      throw malformed(`${name} is given but the scheme does not use TLS`, `Use ${tlsScheme} to connect over TLS with these certificates.`);
    if (value.trim() === '') throw malformed(`${name} is empty`, `Give ${name} a file path, e.g. ${name}=/etc/redis/tls/ca.pem.`);
    files[TLS_PARAMETERS[name]] = value;
  }
  if ((files.cert === undefined) !== (files.key === undefined))
    throw malformed(
      `${files.cert === undefined ? 'tls_key' : 'tls_cert'} is given without ${files.cert === undefined ? 'tls_cert' : 'tls_key'}`,
      'A client certificate needs its key: give both tls_cert and tls_key (or neither).',
    );
  return tls ? files : undefined;
}

/** The URL without its tls_* parameters (the `?` too when nothing is left). */
function withoutTlsParameters(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const kept = url
    .slice(q + 1)
    .split('&')
    .filter((pair) => !isTlsParameter(pair.split('=')[0] ?? ''));
  return kept.length === 0 ? url.slice(0, q) : `${url.slice(0, q)}?${kept.join('&')}`;
}

const SENTINEL_SCHEME = 'redis+sentinel';
const CLUSTER_SCHEME = 'redis+cluster';
/** The multi-server schemes: which topology, and whether over TLS. */
const MULTI_SERVER_SCHEMES: Record<string, { sentinel: boolean; tls: boolean } | undefined> = {
  [SENTINEL_SCHEME]: { sentinel: true, tls: false },
  [`rediss+sentinel`]: { sentinel: true, tls: true },
  [CLUSTER_SCHEME]: { sentinel: false, tls: false },
  [`rediss+cluster`]: { sentinel: false, tls: true },
};
const DEFAULT_SENTINEL_PORT = 26379;
const DEFAULT_REDIS_PORT = 6379;
const SENTINEL_EXAMPLE = 'redis+sentinel://:password@10.0.0.1:26379,10.0.0.2:26379/mymaster';
const CLUSTER_EXAMPLE = 'redis+cluster://:password@10.0.0.1:6379,10.0.0.2:6379';

/** A Redis server's address as `host:port` (`[v6]:port` for IPv6; the port may be left out for `defaultPort`). */
export function parseRedisNode(text: string, defaultPort: number, hint: string): RedisNodeAddress {
  const item = text.trim();
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(item);
  if (!v6 && item.split(':').length > 2)
    throw malformed(`the address "${item}" has several colons`, 'Write IPv6 addresses in brackets: [::1]:6379.');
  const host = v6 ? (v6[1] ?? '') : (item.split(':')[0] ?? '');
  const portText = v6 ? v6[2] : item.split(':')[1];
  if (host === '') throw malformed(item === '' ? 'an address in the list is empty' : `the address "${item}" names no host`, hint);
  if (portText === undefined || portText === '') return { host, port: defaultPort };
  if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535)
    throw malformed(`the port ${JSON.stringify(portText)} of "${item}" is not a number between 1 and 65535`, hint);
  return { host, port: Number(portText) };
}

/** `host:port,host:port` (as --redis-sentinels and --redis-cluster take them) into addresses. */
export function parseRedisNodeList(text: string, defaultPort: number, hint: string): RedisNodeAddress[] {
  return text.split(',').map((item) => parseRedisNode(item, defaultPort, hint));
}

function formatNode(node: RedisNodeAddress): string {
  return `${node.host.includes(':') ? `[${node.host}]` : node.host}:${node.port}`;
}

/** The redis+sentinel:// URL of these sentinels and master (no password: the CLI adds it from its sources); `tls`: rediss+sentinel://. */
export function sentinelRedisUrl(sentinels: readonly RedisNodeAddress[], masterName: string, tls = false): string {
  return `${tls ? 'rediss+sentinel' : SENTINEL_SCHEME}://${sentinels.map(formatNode).join(',')}/${encodeURIComponent(masterName)}`;
}

/** The redis+cluster:// URL of these seed nodes (no password); `tls`: rediss+cluster://. */
export function clusterRedisUrl(nodes: readonly RedisNodeAddress[], tls = false): string {
  return `${tls ? 'rediss+cluster' : CLUSTER_SCHEME}://${nodes.map(formatNode).join(',')}`;
}

function decoded(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw malformed(`the ${what} contains an invalid percent-encoding (a % not followed by two hex digits)`);
  }
}

/** The user part's name and password (the `password` parameter when the user part has none), and `sentinelPassword`. */
function credentials(authority: string, query: string): { secrets: { username?: string; password?: string }; sentinelPassword: string } {
  const at = authority.lastIndexOf('@');
  const userInfo = at >= 0 ? authority.slice(0, at) : '';
  const colon = userInfo.indexOf(':');
  const username = decoded(colon >= 0 ? userInfo.slice(0, colon) : userInfo, 'user name');
  const params = new URLSearchParams(query.slice(1));
  const password = (colon >= 0 ? decoded(userInfo.slice(colon + 1), 'password') : '') || (params.get('password') ?? '');
  return {
    secrets: { ...(username === '' ? {} : { username }), ...(password === '' ? {} : { password }) },
    sentinelPassword: params.get('sentinelPassword') ?? '',
  };
}

/** redis+sentinel:// and redis+cluster://: several servers, passwords read here (ioredis takes no such URL). */
function parseMultiServerUrl(url: string, form: { sentinel: boolean; tls: boolean }, match: RegExpExecArray): ParsedRedisUrl {
  const sentinel = form.sentinel;
  const example = sentinel ? SENTINEL_EXAMPLE : CLUSTER_EXAMPLE;
  const hint = `A ${sentinel ? 'Sentinel' : 'Cluster'} URL looks like ${example} (${sentinel ? 'rediss+sentinel' : 'rediss+cluster'}:// for TLS).`;
  const authority = match[2] ?? '';
  const { secrets, sentinelPassword } = credentials(authority, match[4] ?? '');
  const tlsSettings = tlsFiles(match[4] ?? '', form.tls, sentinel ? 'rediss+sentinel://' : 'rediss+cluster://');
  const tls = tlsSettings ? { tls: tlsSettings } : {};
  const hostList = authority.slice(authority.lastIndexOf('@') + 1);
  if (hostList === '') throw malformed(`it names no ${sentinel ? 'sentinel' : 'node'}`, hint);
  const nodes = parseRedisNodeList(hostList, sentinel ? DEFAULT_SENTINEL_PORT : DEFAULT_REDIS_PORT, hint);
  const path = (match[3] ?? '').replace(/^\//, '');
  const first = nodes[0]!;
  if (!sentinel) {
    if (path !== '') throw malformed('a Cluster has only database 0, so its URL has no path', hint);
    return {
      url,
      displayUrl: maskRedisUrl(url),
      tls: form.tls,
      db: undefined,
      target: { host: first.host, port: first.port },
      topology: { kind: 'cluster', nodes, ...secrets, ...tls },
    };
  }
  const [nameText = '', dbText, ...rest] = path.split('/');
  const masterName = decoded(nameText, 'master name');
  if (masterName === '') throw malformed('it names no master (the path is the name the sentinels monitor it by)', hint);
  if (rest.length > 0 || (dbText !== undefined && !/^\d+$/.test(dbText)))
    throw malformed(`the path after the master name should be a database number`, hint);
  const db = dbText === undefined ? undefined : Number(dbText);
  const target: ConnectTarget = { host: first.host, port: first.port };
  if (db !== undefined) target.database = String(db);
  return {
    url,
    displayUrl: maskRedisUrl(url),
    tls: form.tls,
    db,
    target,
    topology: {
      kind: 'sentinel',
      sentinels: nodes,
      masterName,
      ...secrets,
      ...(sentinelPassword === '' ? {} : { sentinelPassword }),
      ...(db === undefined ? {} : { db }),
      ...tls,
    },
  };
}

/** Which servers a Redis of the stack is, for the L2 tier and the invalidation bus. */
export function redisTopologyOf(redis: { url: string; topology?: RedisTopology }): RedisTopology {
  return redis.topology ?? { kind: 'standalone', url: redis.url };
}
