/**
 * Connection failures turned into errors an operator can act on: a stable `code` for the UI to branch on, a
 * `message` saying what is the case and a `hint` saying what to do next. The raw driver error stays in `cause`.
 */
export type StackErrorCode =
  | 'malformed-url'
  | 'host-not-found'
  | 'host-unreachable'
  | 'timeout'
  | 'connection-refused'
  | 'connection-closed'
  | 'auth-failed'
  | 'database-missing'
  | 'redis-master-unknown'
  | 'permission-denied'
  | 'tls-required'
  | 'tls-not-supported'
  | 'tls-untrusted'
  | 'tls-hostname-mismatch'
  | 'tls-failed'
  | 'too-many-connections'
  | 'server-unavailable'
  | 'data-dir-unusable'
  | 'local-stack-in-use'
  | 'local-stack-failed'
  | 'unknown';

export class StackError extends Error {
  override name = 'StackError';
  readonly code: StackErrorCode;
  readonly hint: string;

  constructor(code: StackErrorCode, message: string, hint: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.hint = hint;
  }
}

/** Where a connection attempt went; only used to word messages. */
export interface ConnectTarget {
  host: string;
  port: number;
  database?: string;
  user?: string;
  /** The sslmode in effect, so TLS advice can name it. */
  sslMode?: string;
  /** The connect timeout that applied, for the timeout message. */
  timeoutMs?: number;
}

type Service = 'PostgreSQL' | 'Redis';

/** Codes of the error and of anything it wraps (`cause`, the attempts of an AggregateError). */
function errorChain(err: unknown): Array<{ code?: unknown; message: string }> {
  const out: Array<{ code?: unknown; message: string }> = [];
  const visit = (e: unknown, depth: number): void => {
    if (depth > 4 || typeof e !== 'object' || e === null) return;
    const rec = e as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    out.push({ code: rec.code, message: typeof rec.message === 'string' ? rec.message : String(e) });
    if (Array.isArray(rec.errors)) for (const inner of rec.errors) visit(inner, depth + 1);
    visit(rec.cause, depth + 1);
  };
  visit(err, 0);
  if (out.length === 0) out.push({ message: String(err) });
  return out;
}

function findCode(err: unknown, codes: readonly string[]): string | undefined {
  for (const e of errorChain(err)) if (typeof e.code === 'string' && codes.includes(e.code)) return e.code;
  return undefined;
}

const UNTRUSTED_CERT = [
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
];

/** Network and TLS failures look the same for PostgreSQL and Redis. */
function classifyTransport(err: unknown, t: ConnectTarget, service: Service): StackError | undefined {
  const where = `${t.host}:${t.port}`;
  const mk = (code: StackErrorCode, message: string, hint: string) => new StackError(code, message, hint, { cause: err });
  const messages = errorChain(err)
    .map((e) => e.message)
    .join(' | ');

  if (findCode(err, ['ENOTFOUND', 'EAI_NONAME', 'EAI_NODATA'])) {
    return mk(
      'host-not-found',
      `Cannot find the host "${t.host}": the name does not resolve (DNS lookup failed).`,
      'Check the host name in the URL for typos, and that this machine can resolve it (VPN connected, DNS, /etc/hosts).',
    );
  }
  if (findCode(err, ['EAI_AGAIN', 'EAI_FAIL'])) {
    return mk(
      'host-not-found',
      `The host name "${t.host}" could not be resolved right now (temporary DNS failure).`,
      "Check this machine's network and DNS settings, then try again.",
    );
  }
  if (findCode(err, ['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL'])) {
    return mk(
      'host-unreachable',
      `There is no network route from this machine to ${where}.`,
      'Check the address in the URL and that this machine is on a network that can reach it (VPN, firewall, security group).',
    );
  }
  if (findCode(err, ['ETIMEDOUT']) || /timeout expired|timed out|connection timeout/i.test(messages)) {
    const seconds = t.timeoutMs ? ` within ${Math.round(t.timeoutMs / 100) / 10} s` : '';
    return mk(
      'timeout',
      `${service} at ${where} did not answer${seconds}.`,
      'Check the host and port, that the server is up, and that no firewall or security group silently drops this machine; on a slow network raise the connect timeout.',
    );
  }
  if (findCode(err, ['ECONNREFUSED'])) {
    const listen =
      service === 'PostgreSQL'
        ? `that PostgreSQL is running and listens on that address (listen_addresses in postgresql.conf; the default port is 5432)`
        : `that Redis is running and binds that address (bind in redis.conf; the default port is 6379)`;
    return mk(
      'connection-refused',
      `Nothing accepts connections on ${where} (connection refused).`,
      `Check the port in the URL and ${listen}.`,
    );
  }
  if (findCode(err, ['ECONNRESET', 'EPIPE']) || /Connection terminated unexpectedly|Connection is closed/i.test(messages)) {
    return mk(
      'connection-closed',
      `${where} closed the connection during the handshake.`,
      `Check that the port belongs to ${service} (not another service or a proxy that rejects this machine), and that the server is not restarting.`,
    );
  }
  if (/does not support SSL/i.test(messages)) {
    return mk(
      'tls-not-supported',
      `${service} at ${where} does not accept TLS, but sslmode=${t.sslMode ?? 'require'} asks for it.`,
      'Turn on TLS on the server (ssl = on with a certificate in postgresql.conf), or, on a network you trust, use sslmode=disable or sslmode=prefer.',
    );
  }
  const altName = findCode(err, ['ERR_TLS_CERT_ALTNAME_INVALID']);
  if (altName) {
    return mk(
      'tls-hostname-mismatch',
      `The server's TLS certificate is not issued for "${t.host}".`,
      service === 'PostgreSQL'
        ? 'Connect with the host name the certificate names, or use sslmode=verify-ca to check the issuing authority without the host name.'
        : 'Connect with the host name the certificate names, or give that name as tls_servername=NAME in the Redis URL.',
    );
  }
  const untrusted = findCode(err, UNTRUSTED_CERT);
  if (untrusted === 'CERT_HAS_EXPIRED' || untrusted === 'CERT_NOT_YET_VALID') {
    return mk(
      'tls-untrusted',
      `The server's TLS certificate is outside its validity period (${untrusted}).`,
      "Renew the server's certificate, or check this machine's clock.",
    );
  }
  if (untrusted) {
    return mk(
      'tls-untrusted',
      `The server's TLS certificate is not trusted: it is self-signed or signed by an authority this machine does not know (${untrusted}).`,
      service === 'PostgreSQL'
        ? 'Give the CA certificate that signed it with sslrootcert=/path/to/ca.pem (cloud providers publish theirs), or use sslmode=require to encrypt without verifying.'
        : 'Give the CA certificate that signed it with tls_ca=/path/to/ca.pem in the Redis URL (rediss://host:6379?tls_ca=…), or add it to NODE_EXTRA_CA_CERTS=/path/to/ca.pem.',
    );
  }
  const tlsCode = errorChain(err).find((e) => typeof e.code === 'string' && /^(ERR_SSL_|ERR_TLS_|EPROTO|ERR_OSSL)/.test(e.code));
  if (tlsCode) {
    return mk(
      'tls-failed',
      `The TLS handshake with ${where} failed: ${tlsCode.message}`,
      service === 'PostgreSQL'
        ? 'Check the TLS settings in the URL (sslmode, sslrootcert, sslcert, sslkey) and that the port speaks TLS the way the server expects.'
        : 'Check the TLS settings in the Redis URL (tls_ca, tls_cert, tls_key; a server with tls-auth-clients yes wants a client certificate) and that the port speaks TLS.',
    );
  }
  return undefined;
}

/** The server asked for a password and none of libpq's sources had one: the ways to give it, off the command line. */
export function noPasswordGiven(user: string, options?: ErrorOptions): StackError {
  return new StackError(
    'auth-failed',
    `PostgreSQL asks user "${user}" for a password, and none was given (the connection string has none, PGPASSWORD is not set, and no password file line matches).`,
    'Give it without putting it on the command line: PGPASSWORD, a ~/.pgpass line (host:port:database:user:password, mode 0600), PGPASSFILE, or hotpath --pg-password-file FILE; or run hotpath in a terminal to be asked for it.',
    options,
  );
}

/** Turns whatever `pg` threw while connecting into a StackError (a StackError passes through). */
export function classifyPgConnectError(err: unknown, target: ConnectTarget): StackError {
  if (err instanceof StackError) return err;
  const mk = (code: StackErrorCode, message: string, hint: string) => new StackError(code, message, hint, { cause: err });
  const user = target.user ?? '(default user)';
  const db = target.database ?? '(default database)';
  const rec = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; message?: unknown; severity?: unknown };
  const message = typeof rec.message === 'string' ? rec.message : String(err);
  const sqlState = typeof rec.severity === 'string' && typeof rec.code === 'string' ? rec.code : undefined;

  switch (sqlState) {
    case '28P01':
      return mk(
        'auth-failed',
        `PostgreSQL rejected the password for user "${user}".`,
        'Check the user name and the password in the URL; special characters in a password must be percent-encoded (@ as %40, / as %2F).',
      );
    case '28000':
      if (/role .* does not exist/i.test(message)) {
        return mk(
          'auth-failed',
          `PostgreSQL has no user (role) named "${user}".`,
          "Check the user name in the URL, or create the user: CREATE ROLE name LOGIN PASSWORD '...'.",
        );
      }
      if (/no encryption/i.test(message)) {
        return mk(
          'tls-required',
          `The server only accepts encrypted connections from this machine, and the URL turns TLS off.`,
          'Add sslmode=require (or sslmode=verify-full with sslrootcert) to the URL.',
        );
      }
      return mk(
        'permission-denied',
        `The server's pg_hba.conf does not let user "${user}" connect to database "${db}" from this machine.`,
        'Ask the administrator to add a pg_hba.conf entry for this host and user, or connect from an allowed address.',
      );
    case '3D000':
      return mk(
        'database-missing',
        `The database "${db}" does not exist on ${target.host}:${target.port}.`,
        `Create the database with createdb ${db} (or CREATE DATABASE), or pick an existing one in the URL.`,
      );
    case '42501':
      return mk(
        'permission-denied',
        `User "${user}" is not allowed to connect to database "${db}".`,
        `Ask the database owner to run GRANT CONNECT ON DATABASE ${db} TO ${user}, or use a user that has access.`,
      );
    case '53300':
      return mk(
        'too-many-connections',
        `${target.host}:${target.port} has no free connection slots.`,
        'Close idle connections (other apps, pools) or raise max_connections on the server, then retry.',
      );
    case '57P03':
    case '57P01':
    case '57P02':
      return mk(
        'server-unavailable',
        `PostgreSQL at ${target.host}:${target.port} is starting up, shutting down or recovering: ${message}`,
        'Wait until the server is up and retry.',
      );
  }
  if (sqlState === undefined && /SASL|password must be a string|password authentication/i.test(message)) {
    return noPasswordGiven(user, { cause: err });
  }
  const transport = classifyTransport(err, target, 'PostgreSQL');
  if (transport) return transport;
  return mk(
    'unknown',
    `Could not connect to PostgreSQL at ${target.host}:${target.port}: ${message}`,
    'Check the URL and that the server is reachable; the message above comes from the server or the driver.',
  );
}

/** Turns what ioredis reported while connecting (the last `error` event, a ReplyError) into a StackError. */
export function classifyRedisConnectError(err: unknown, target: ConnectTarget): StackError {
  if (err instanceof StackError) return err;
  const mk = (code: StackErrorCode, message: string, hint: string) => new StackError(code, message, hint, { cause: err });
  const message = errorChain(err)
    .map((e) => e.message)
    .join(' | ');
  const where = `${target.host}:${target.port}`;

  if (/NOAUTH/.test(message)) {
    return mk(
      'auth-failed',
      `Redis at ${where} requires a password, and none was given (the URL has none, and REDISCLI_AUTH is not set).`,
      'Set REDISCLI_AUTH, or give hotpath --redis-password-file FILE (or put it in the URL: redis://:PASSWORD@host:6379, redis://USER:PASSWORD@host:6379 with ACL users).',
    );
  }
  if (/WRONGPASS|invalid password|invalid username-password/i.test(message)) {
    return mk(
      'auth-failed',
      `Redis at ${where} rejected the user name or password.`,
      'Check the password (and ACL user name) in the Redis URL; special characters must be percent-encoded.',
    );
  }
  if (/NOPERM/.test(message)) {
    return mk(
      'permission-denied',
      `The Redis user is not allowed to run the commands Hotpath needs: ${message}`,
      'Grant the ACL user access to the keys and commands of the cache (e.g. ACL SETUSER name +@all ~*), or use another user.',
    );
  }
  if (/DB index is out of range/i.test(message)) {
    const number = target.database !== undefined ? ` ${target.database}` : ' with that number';
    return mk(
      'database-missing',
      `Redis at ${where} has no database${number}.`,
      "Use a database number below the server's `databases` setting (16 by default), e.g. redis://host:6379/0.",
    );
  }
  if (/LOADING|MASTERDOWN|BUSY/.test(message)) {
    return mk('server-unavailable', `Redis at ${where} is not ready: ${message}`, 'Wait until Redis has loaded its data and retry.');
  }
  const transport = classifyTransport(err, target, 'Redis');
  if (transport) return transport;
  return mk(
    'unknown',
    `Could not connect to Redis at ${where}: ${message}`,
    'Check the Redis URL and that the server is reachable; the message above comes from Redis or the driver.',
  );
}
