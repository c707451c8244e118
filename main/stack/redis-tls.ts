import { readFileSync } from 'node:fs';
import { StackError } from './stack-errors.ts';
import type { RedisTlsFiles } from './stack.ts';

/**
 * The TLS options a Redis connection is made with: the certificate files of a `RedisTlsFiles` read now (at connect
 * time, so a renewed certificate is picked up by the next connect), as node:tls takes them. The contents never leave
 * the connection: nothing logs or saves them. A file that cannot be read is refused as `tls-failed`, naming the URL
 * parameter and the path (as the PostgreSQL side does for sslrootcert).
 */
export interface RedisTlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
}

const PARAMETER: Record<'ca' | 'cert' | 'key', string> = {
  ca: 'CA certificate (tls_ca)',
  cert: 'client certificate (tls_cert)',
  key: 'client key (tls_key)',
};

function readPem(path: string, which: 'ca' | 'cert' | 'key'): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new StackError(
      'tls-failed',
      `Cannot read the Redis ${PARAMETER[which]} file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
      'Check the path in the Redis URL and that the user running Hotpath can read the file.',
      { cause: error },
    );
  }
}

export function readRedisTls(files: RedisTlsFiles): RedisTlsOptions {
  return {
    ...(files.ca === undefined ? {} : { ca: readPem(files.ca, 'ca') }),
    ...(files.cert === undefined ? {} : { cert: readPem(files.cert, 'cert') }),
    ...(files.key === undefined ? {} : { key: readPem(files.key, 'key') }),
    ...(files.servername === undefined ? {} : { servername: files.servername }),
  };
}
