import { codeOf } from '../state/to-error.ts';

export type ConnectionField = 'name' | 'pgUrl' | 'redisUrl' | 'replicaUrls' | 'replicaPolicy' | 'l3Url' | 'form';

/** Codes of connection failures (see main/stack/stack-errors.ts); they belong next to a URL field. */
const CONNECTION_CODES = new Set([
  'malformed-url',
  'host-not-found',
  'host-unreachable',
  'timeout',
  'connection-refused',
  'connection-closed',
  'auth-failed',
  'database-missing',
  'permission-denied',
  'tls-required',
  'tls-not-supported',
  'tls-untrusted',
  'tls-hostname-mismatch',
  'tls-failed',
  'too-many-connections',
  'server-unavailable',
  'unknown',
]);

/**
 * Which field of the connection form an engine error belongs next to: Redis failures
 * name Redis in their message, contract validation names the bad parameter, and the
 * other connection failures concern the PostgreSQL URL. Anything else (the engine is
 * busy, the transport closed) is shown for the whole form.
 */
export function fieldOfError(error: Error): ConnectionField {
  const code = codeOf(error);
  const message = error.message;
  if (code === 'bad-request') {
    if (/\bname\b/i.test(message)) return 'name';
    if (/redisUrl/.test(message)) return 'redisUrl';
    if (/replicaUrls/.test(message)) return 'replicaUrls';
    if (/replicaPolicy|replicaMaxLagSeconds/.test(message)) return 'replicaPolicy';
    if (/l3Url/.test(message)) return 'l3Url';
    if (/pgUrl/.test(message)) return 'pgUrl';
    return 'form';
  }
  // A read replica's failure names it ("Read replica replica-2 (…): …"; see main/stack/remote/replica-connect.ts).
  if (code !== undefined && CONNECTION_CODES.has(code) && /^Read replica /.test(message)) return 'replicaUrls';
  // The object store's URL broke the cache's rules (main/engine/connection-l3.ts).
  if (code === 'l3-config-invalid') return 'l3Url';
  // The sentinels know no master by the URL's name (main/stack/redis-probe.ts).
  if (code === 'redis-master-unknown') return 'redisUrl';
  if (code !== undefined && CONNECTION_CODES.has(code)) return /\bredis\b/i.test(message) ? 'redisUrl' : 'pgUrl';
  return 'form';
}
