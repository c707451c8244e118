import { isIP } from 'node:net';
import { parsePgUrl, type ParsedPgUrl, type PgUrlOptions } from '../pg-url.ts';
import type { PgTlsOptions } from '../pg-tls.ts';
import { detectPgStatStatements } from '../pg-stat-statements.ts';
import { parseRedisUrl } from '../redis-url.ts';
import { connectionStringPassword, defaultPgUser, resolvePgPassword, type ResolvedPgPassword } from '../pg-password-sources.ts';
import { resolveRedisPassword } from '../redis-password-sources.ts';
import { verifyRedis } from '../redis-probe.ts';
import { maskSecretsInText } from '../secret-mask.ts';
import { StackError } from '../stack-errors.ts';
import type { Stack, StackNotice } from '../stack.ts';
import { connectVerified, refusePasswordLookup } from './pg-connect.ts';
import { connectReplicas } from './replica-connect.ts';

export interface RemoteStackOptions {
  pgUrl: string;
  /** Omitted: no L2 cache (a notice says so). */
  redisUrl?: string;
  /** Read replicas' URLs (`replica-1`, … in this order); their passwords are found as the primary's is (see replica-connect.ts). */
  replicaUrls?: readonly string[];
  /** TLS settings from a saved profile; they win over the URL's ssl* parameters. */
  tls?: PgTlsOptions;
  /** Bound for each connection check (default 10 s, or the URL's connect_timeout). */
  connectTimeoutMs?: number;
  /** Read-only mode does no DDL, not even CREATE EXTENSION pg_stat_statements. */
  readOnly?: boolean;
  /**
   * `libpq` (default): the connection string's password, then PGPASSWORD, then the password file (`passfile=`,
   * PGPASSFILE, ~/.pgpass), as psql does. `connection-string`: only the connection string's, for connections a
   * console client names: the engine then reads no file a client points at, and hands no `*` line of the
   * operator's password file to a host of the client's choosing.
   */
  passwordSources?: 'libpq' | 'connection-string';
  /** Where PGPASSWORD, PGPASSFILE, PGUSER and REDISCLI_AUTH are read (default: this process's environment). */
  env?: Record<string, string | undefined>;
  /**
   * `throw` (default): a replica that cannot be used fails the whole connect. `report` (a connection test): every
   * replica is checked and the stack's `replicaChecks` says how each went (see replica-connect.ts).
   */
  replicaFailures?: 'throw' | 'report';
}

/** An error that can never carry a password it was given, whatever the driver put in its message. */
function masked(error: unknown, secrets: Array<string | null | undefined>): unknown {
  if (!(error instanceof StackError)) return error;
  const message = maskSecretsInText(error.message, secrets);
  return message === error.message ? error : new StackError(error.code, message, error.hint, { cause: error.cause });
}

const DEFAULT_TIMEOUT_MS = 10_000;

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.startsWith('/') || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/** What the user is told about where the password did not come from. */
function passwordNotices(parsed: ParsedPgUrl, pgPassword: ResolvedPgPassword, clientNamed: boolean): StackNotice[] {
  const notices: StackNotice[] = [];
  if (clientNamed && parsed.passfile !== undefined && pgPassword.password === null) {
    notices.push({
      code: 'password-file-ignored',
      message: 'The passfile parameter was ignored: a connection named from the console uses only the password in its connection string.',
      hint: 'Put the password in the connection string or a saved profile, or give the password file to the hotpath command line (passfile= in --pg, PGPASSFILE or ~/.pgpass).',
    });
  }
  if (pgPassword.warning) {
    notices.push({
      code: 'password-file-ignored',
      message: `The PostgreSQL password file was ignored: ${pgPassword.warning}.`,
      hint: 'Make it private (chmod 0600 on the file), as psql requires, or give the password another way (PGPASSWORD, --pg-password-file).',
    });
  }
  return notices;
}

/** The error a failed connect throws: an authentication failure says where the password could have come from. */
function explainedConnectError(
  error: unknown,
  context: {
    parsed: ParsedPgUrl;
    pgPassword: ResolvedPgPassword;
    clientNamed: boolean;
    env: Record<string, string | undefined>;
    secrets: Array<string | null | undefined>;
  },
): unknown {
  const { parsed, pgPassword, clientNamed, env, secrets } = context;
  const authFailed = error instanceof StackError && error.code === 'auth-failed';
  // A password file psql would also ignore is the likely reason no password was sent: say so in the error.
  if (authFailed && pgPassword.warning) {
    return new StackError(
      error.code,
      `${maskSecretsInText(error.message, secrets)} The password file was ignored: ${pgPassword.warning}.`,
      error.hint,
      { cause: error.cause },
    );
  }
  // A connection a client named takes no password from this process's environment or files, so the CLI's
  // ways of giving one do not apply: say what does.
  if (authFailed && clientNamed && pgPassword.password === null) {
    return new StackError(
      error.code,
      `PostgreSQL asks user "${parsed.config.user ?? defaultPgUser(env)}" for a password, and the connection string has none.`,
      'Put the password in the connection string or the saved profile (it is masked wherever Hotpath shows it, and written to disk only encrypted). PGPASSWORD and ~/.pgpass serve only the --pg given on the command line.',
      { cause: error.cause },
    );
  }
  return masked(error, secrets);
}

/**
 * The user's own PostgreSQL (and optionally Redis), verified before anything else uses it: one bounded
 * connection, the server version, whether pg_stat_statements works, and a PING to Redis. It holds no
 * connection afterwards; pools are opened by the engine from `stack.pg`.
 */
export async function connectRemoteStack(options: RemoteStackOptions): Promise<Stack> {
  // The replicas' URLs are read with the same TLS settings and timeout.
  const urlOptions: PgUrlOptions = {
    ...(options.tls ? { tls: options.tls } : {}),
    ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
  };
  const parsed = parsePgUrl(options.pgUrl, urlOptions);
  // A malformed Redis URL should fail before we spend a connection on PostgreSQL.
  const redis = options.redisUrl !== undefined ? parseRedisUrl(options.redisUrl) : null;
  const timeoutMs = parsed.config.connectionTimeoutMillis ?? options.connectTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const notices: StackNotice[] = [];
  const env = options.env ?? process.env;
  // Set explicitly, so that pg never falls back on its own (deprecated) PGPASSWORD / pgpass lookup.
  const clientNamed = options.passwordSources === 'connection-string';
  const pgPassword = clientNamed ? connectionStringPassword(parsed) : await resolvePgPassword(parsed, env);
  if (pgPassword.password !== null) parsed.config.password = pgPassword.password;
  // pg reads ~/.pgpass itself when it has no password and the server asks for one: a password callback that
  // refuses keeps it from that (only for the check; a server that asked has then refused the connect).
  else if (clientNamed) parsed.config.password = refusePasswordLookup;
  notices.push(...passwordNotices(parsed, pgPassword, clientNamed));
  const redisAuth = redis ? resolveRedisPassword(redis, env) : null;
  const secrets = [pgPassword.password, redisAuth?.password];

  if (parsed.ignoredParameters.length > 0) {
    notices.push({
      code: 'ignored-url-parameters',
      message: `The PostgreSQL URL has parameters Hotpath does not use: ${parsed.ignoredParameters.join(', ')}.`,
      hint: 'They are ignored. Hotpath reads sslmode, sslrootcert, sslcert, sslkey, connect_timeout and application_name.',
    });
  }

  const { client, config, fellBackToPlain } = await connectVerified(parsed, timeoutMs).catch((error: unknown) => {
    throw explainedConnectError(error, { parsed, pgPassword, clientNamed, env, secrets });
  });
  // The server did not ask for a password: the pools (and the planner's thread, which cannot be handed a
  // function) connect the same way, without one.
  if (config.password === refusePasswordLookup) delete config.password;
  let serverVersion: number;
  let pgStatStatements: boolean;
  try {
    const { rows } = await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
    serverVersion = Number(rows[0]?.v);
    const pss = await detectPgStatStatements(client, { database: parsed.target.database ?? '', mayCreate: !options.readOnly });
    pgStatStatements = pss.enabled;
    notices.push(...pss.notices);
  } finally {
    await client.end().catch(() => undefined);
  }

  if (fellBackToPlain && !isLoopback(parsed.target.host)) {
    notices.push({
      code: 'tls-fallback',
      message: `${parsed.target.host} does not offer TLS: Hotpath connected without encryption (sslmode=${parsed.sslMode}).`,
      hint: 'Turn on TLS on the server and use sslmode=verify-full, or set sslmode=disable to make plain text a deliberate choice.',
    });
  }

  const replicas = await connectReplicas({
    ...(options.replicaUrls ? { urls: options.replicaUrls } : {}),
    urlOptions,
    timeoutMs,
    clientNamed,
    env,
    primary: { user: parsed.config.user, host: parsed.config.host, password: pgPassword.password },
    ...(options.replicaFailures ? { failures: options.replicaFailures } : {}),
  });
  notices.push(...replicas.notices);
  secrets.push(...replicas.secrets);

  if (redis && redisAuth) {
    await verifyRedis(redisAuth.url, timeoutMs).catch((error: unknown) => {
      throw masked(error, secrets);
    });
  } else {
    notices.push({
      code: 'redis-not-configured',
      message: 'No Redis URL given: the L2 cache tier is disabled.',
      hint: 'Pass a Redis URL (redis://host:6379, rediss:// for TLS) to add the shared cache tier.',
    });
  }

  return {
    kind: 'remote',
    processes: [],
    pg: config,
    pgDisplayUrl: parsed.displayUrl,
    redis:
      redis && redisAuth ? { url: redisAuth.url, displayUrl: redis.displayUrl, topology: parseRedisUrl(redisAuth.url).topology } : null,
    replicas: replicas.replicas,
    ...(options.replicaFailures === 'report' ? { replicaChecks: replicas.checks } : {}),
    capabilities: { serverVersion, pgStatStatements },
    notices,
    // Nothing is held between calls: the verification client is already closed.
    async stop() {},
  };
}
