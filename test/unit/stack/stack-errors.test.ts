import { describe, expect, it } from 'vitest';
import { classifyPgConnectError, classifyRedisConnectError, StackError } from '../../../main/stack/stack-errors.ts';
import type { ConnectTarget } from '../../../main/stack/stack-errors.ts';

const target: ConnectTarget = {
  host: 'db.example.com',
  port: 5432,
  database: 'orders',
  user: 'alice',
  sslMode: 'require',
  timeoutMs: 3000,
};

/** Shaped like Node's system errors (what `net`/`dns` hand to pg and ioredis). */
function systemError(code: string, message = `connect ${code}`): Error {
  return Object.assign(new Error(message), { code, errno: -1, syscall: 'connect' });
}

/** Shaped like pg's DatabaseError: a SQLSTATE in `code` and a severity. */
function serverError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, severity: 'FATAL' });
}

describe('classifyPgConnectError', () => {
  it.each([
    ['ENOTFOUND', 'host-not-found', 'db.example.com', /host name/],
    ['EAI_AGAIN', 'host-not-found', 'temporary DNS failure', /DNS/],
    ['EHOSTUNREACH', 'host-unreachable', 'no network route', /VPN|firewall/],
    ['ENETUNREACH', 'host-unreachable', 'no network route', /network/],
    ['ETIMEDOUT', 'timeout', 'did not answer within 3 s', /firewall/],
    ['ECONNREFUSED', 'connection-refused', 'db.example.com:5432', /listen_addresses/],
    ['ECONNRESET', 'connection-closed', 'closed the connection', /PostgreSQL/],
  ])('%s -> %s', (errno, code, inMessage, hint) => {
    const error = classifyPgConnectError(systemError(errno), target);
    expect(error).toBeInstanceOf(StackError);
    expect(error.code).toBe(code);
    expect(error.message).toContain(inMessage);
    expect(error.hint).toMatch(hint);
    expect((error as Error & { cause?: unknown }).cause).toBeDefined();
  });

  it('finds the cause inside an AggregateError (Node tries every address of a host)', () => {
    const aggregate = new AggregateError([systemError('ECONNREFUSED'), systemError('ECONNREFUSED')], 'connect failed');
    expect(classifyPgConnectError(aggregate, target).code).toBe('connection-refused');
  });

  it("pg's own connect timeout is a timeout", () => {
    expect(classifyPgConnectError(new Error('timeout expired'), target).code).toBe('timeout');
  });

  it.each([
    ['28P01', 'password authentication failed for user "alice"', 'auth-failed', /password/],
    ['28000', 'role "alice" does not exist', 'auth-failed', /CREATE ROLE/],
    [
      '28000',
      'no pg_hba.conf entry for host "10.0.0.1", user "alice", database "orders", no encryption',
      'tls-required',
      /sslmode=require/,
    ],
    ['28000', 'no pg_hba.conf entry for host "10.0.0.1", user "alice", database "orders", SSL encryption', 'permission-denied', /pg_hba/],
    ['3D000', 'database "orders" does not exist', 'database-missing', /createdb orders/],
    ['42501', 'permission denied for database "orders"', 'permission-denied', /GRANT CONNECT ON DATABASE orders TO alice/],
    ['53300', 'sorry, too many clients already', 'too-many-connections', /max_connections/],
    ['57P03', 'the database system is starting up', 'server-unavailable', /retry/],
  ])('SQLSTATE %s (%s) -> %s', (sqlState, message, code, hint) => {
    const error = classifyPgConnectError(serverError(sqlState, message), target);
    expect(error.code).toBe(code);
    expect(error.hint).toMatch(hint);
  });

  it('a missing password for a SCRAM server is an auth failure that says to add it', () => {
    const error = classifyPgConnectError(new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'), target);
    expect(error.code).toBe('auth-failed');
    expect(error.message).toContain('has none');
  });

  it('a server without TLS names the sslmode that asked for it', () => {
    const error = classifyPgConnectError(new Error('The server does not support SSL connections'), target);
    expect(error.code).toBe('tls-not-supported');
    expect(error.message).toContain('sslmode=require');
  });

  it.each([
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls-untrusted', /sslrootcert/],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls-untrusted', /sslrootcert/],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls-untrusted', /sslrootcert/],
    ['CERT_HAS_EXPIRED', 'tls-untrusted', /Renew/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls-hostname-mismatch', /verify-ca/],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls-failed', /sslmode/],
  ])('TLS error %s -> %s', (tlsCode, code, hint) => {
    const error = classifyPgConnectError(systemError(tlsCode, 'tls failure'), target);
    expect(error.code).toBe(code);
    expect(error.hint).toMatch(hint);
  });

  it('keeps the message of anything it does not recognise', () => {
    const error = classifyPgConnectError(new Error('something odd'), target);
    expect(error.code).toBe('unknown');
    expect(error.message).toContain('something odd');
  });

  it('passes a StackError through unchanged', () => {
    const original = new StackError('malformed-url', 'bad', 'fix it');
    expect(classifyPgConnectError(original, target)).toBe(original);
  });
});

describe('classifyRedisConnectError', () => {
  const redisTarget: ConnectTarget = { host: '127.0.0.1', port: 6380, database: '3', timeoutMs: 2000 };

  it.each([
    [systemError('ECONNREFUSED'), 'connection-refused', /Redis is running/],
    [systemError('ENOTFOUND'), 'host-not-found', /host name/],
    [systemError('EHOSTUNREACH'), 'host-unreachable', /route|network/],
    [new Error('Command timed out'), 'timeout', /firewall/],
    [new Error('NOAUTH Authentication required.'), 'auth-failed', /redis:\/\/:PASSWORD@/],
    [new Error('WRONGPASS invalid username-password pair or user is disabled.'), 'auth-failed', /password/],
    [new Error("NOPERM this user has no permissions to run the 'ping' command"), 'permission-denied', /ACL/],
    [new Error('ERR DB index is out of range'), 'database-missing', /databases/],
    [new Error('LOADING Redis is loading the dataset in memory'), 'server-unavailable', /retry/],
    [systemError('DEPTH_ZERO_SELF_SIGNED_CERT', 'self signed certificate'), 'tls-untrusted', /NODE_EXTRA_CA_CERTS/],
  ])('%s -> %s', (error, code, hint) => {
    const classified = classifyRedisConnectError(error, redisTarget);
    expect(classified.code).toBe(code);
    expect(classified.hint).toMatch(hint);
  });

  it('names the missing database number', () => {
    expect(classifyRedisConnectError(new Error('ERR DB index is out of range'), redisTarget).message).toContain('no database 3');
  });
});
