import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { StackError } from './stack-errors.ts';

/**
 * libpq's sslmode values. `node-postgres` cannot fall back from TLS to plain text by itself, so `prefer` and
 * `allow` are resolved by the caller: try TLS first, and retry without it when the server says it has none.
 */
export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** TLS settings given outside the URL (a connection profile); each one wins over the URL's parameter. */
export interface PgTlsOptions {
  mode?: SslMode;
  /** PEM file of the CA(s) that sign the server certificate (libpq `sslrootcert`); `'system'` = the usual trust store. */
  rootCertPath?: string;
  /** PEM text of the CA(s), instead of a file. */
  ca?: string;
  /** Client certificate and key files (libpq `sslcert` / `sslkey`), for certificate authentication. */
  certPath?: string;
  keyPath?: string;
}

export interface ResolvedTls {
  mode: SslMode;
  /** What to hand to `pg` as `ssl` for the first attempt. */
  ssl: false | ConnectionOptions;
  /** True for prefer/allow: when the server has no TLS, connect again in plain text. */
  fallbackToPlain: boolean;
}

export function isSslMode(value: string): value is SslMode {
  return (SSL_MODES as readonly string[]).includes(value);
}

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new StackError(
      'tls-failed',
      `Cannot read the ${what} file ${path}: ${(error as Error).message}`,
      'Check the path and that the user running Hotpath can read the file.',
      { cause: error },
    );
  }
}

/**
 * Maps sslmode and certificate paths to Node TLS options with libpq's meaning:
 * - require: encrypt, do not verify (but with an explicit sslrootcert, verify the CA as libpq does);
 * - verify-ca: the chain must lead to the given CA (or the system store), any host name;
 * - verify-full: the chain and the host name must match.
 * Without a mode, libpq's default `prefer` applies (sslrootcert=system implies verify-full, as in libpq 16).
 */
export function resolveTls(explicitMode: SslMode | undefined, options: PgTlsOptions): ResolvedTls {
  const systemStore = options.rootCertPath === 'system';
  let mode: SslMode = explicitMode ?? (systemStore ? 'verify-full' : 'prefer');
  if (systemStore && mode !== 'verify-full') {
    throw new StackError(
      'malformed-url',
      `sslrootcert=system cannot be combined with the weaker sslmode=${mode}.`,
      'Use sslmode=verify-full with sslrootcert=system, or give a CA file.',
    );
  }
  const rootCertFile = options.rootCertPath && !systemStore ? options.rootCertPath : undefined;
  if (mode === 'require' && (rootCertFile || options.ca)) mode = 'verify-ca';

  if (mode === 'disable') return { mode, ssl: false, fallbackToPlain: false };

  const ssl: ConnectionOptions = {};
  if (options.certPath) ssl.cert = readPem(options.certPath, 'client certificate (sslcert)');
  if (options.keyPath) ssl.key = readPem(options.keyPath, 'client key (sslkey)');
  if (mode === 'allow' || mode === 'prefer' || mode === 'require') {
    ssl.rejectUnauthorized = false;
    return { mode, ssl, fallbackToPlain: mode !== 'require' };
  }
  ssl.rejectUnauthorized = true;
  const ca = options.ca ?? (rootCertFile ? readPem(rootCertFile, 'root certificate (sslrootcert)') : undefined);
  if (ca !== undefined) ssl.ca = ca;
  // verify-ca: the chain is checked by rejectUnauthorized; only the host name check is skipped.
  if (mode === 'verify-ca') ssl.checkServerIdentity = () => undefined;
  return { mode, ssl, fallbackToPlain: false };
}
