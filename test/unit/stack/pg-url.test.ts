import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { maskPgUrl, parsePgUrl } from '../../../main/stack/pg-url.ts';
import { StackError } from '../../../main/stack/stack-errors.ts';

function malformed(url: string): StackError {
  try {
    parsePgUrl(url);
  } catch (error) {
    expect(error).toBeInstanceOf(StackError);
    expect((error as StackError).code).toBe('malformed-url');
    return error as StackError;
  }
  throw new Error(`expected ${url} to be rejected`);
}

describe('parsePgUrl', () => {
  it('reads user, password, host, port and database', () => {
    const parsed = parsePgUrl('postgres://alice:s3cret@db.example.com:6543/orders');
    expect(parsed.config).toMatchObject({ user: 'alice', password: 's3cret', host: 'db.example.com', port: 6543, database: 'orders' });
    expect(parsed.target).toMatchObject({ host: 'db.example.com', port: 6543, database: 'orders', user: 'alice' });
  });

  it('accepts postgresql:// and defaults the port to 5432', () => {
    const parsed = parsePgUrl('postgresql://bob@localhost/app');
    expect(parsed.config).toMatchObject({ host: 'localhost', port: 5432, database: 'app', user: 'bob' });
    expect(parsed.config.password).toBeUndefined();
  });

  it('percent-decodes user, password and database', () => {
    const parsed = parsePgUrl('postgres://us%40er:p%40ss%2Fw%3Ard@h:5432/my%20db');
    expect(parsed.config).toMatchObject({ user: 'us@er', password: 'p@ss/w:rd', database: 'my db' });
  });

  it('reads bracketed IPv6 hosts', () => {
    expect(parsePgUrl('postgres://u@[::1]:5433/d').config).toMatchObject({ host: '::1', port: 5433 });
  });

  it('lets query parameters override the URL parts as libpq does', () => {
    const parsed = parsePgUrl('postgres://u:p@h/d?host=/var/run/postgresql&port=5444&user=other&application_name=me');
    expect(parsed.config).toMatchObject({ host: '/var/run/postgresql', port: 5444, user: 'other', application_name: 'me' });
  });

  it('turns connect_timeout seconds into the connect timeout', () => {
    expect(parsePgUrl('postgres://u@h/d?connect_timeout=7').config.connectionTimeoutMillis).toBe(7000);
    expect(parsePgUrl('postgres://u@h/d', { connectTimeoutMs: 1234 }).config.connectionTimeoutMillis).toBe(1234);
  });

  it('reports parameters it does not use instead of dropping them silently', () => {
    expect(parsePgUrl('postgres://u@h/d?schema=public&connection_limit=5&sslmode=disable').ignoredParameters).toEqual([
      'schema',
      'connection_limit',
    ]);
  });

  describe('TLS', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotpath-pgurl-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n');
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('sslmode=disable turns TLS off', () => {
      const parsed = parsePgUrl('postgres://u@h/d?sslmode=disable');
      expect(parsed.config.ssl).toBe(false);
      expect(parsed.tlsFallback).toBe(false);
    });

    it('defaults to prefer: TLS without verification, falling back to plain text', () => {
      const parsed = parsePgUrl('postgres://u@h/d');
      expect(parsed.sslMode).toBe('prefer');
      expect(parsed.config.ssl).toEqual({ rejectUnauthorized: false });
      expect(parsed.tlsFallback).toBe(true);
    });

    it('sslmode=require encrypts without verifying and never falls back', () => {
      const parsed = parsePgUrl('postgres://u@h/d?sslmode=require');
      expect(parsed.config.ssl).toEqual({ rejectUnauthorized: false });
      expect(parsed.tlsFallback).toBe(false);
    });

    it('sslmode=verify-full verifies chain and host name against the sslrootcert file', () => {
      const ssl = parsePgUrl(`postgres://u@h/d?sslmode=verify-full&sslrootcert=${encodeURIComponent(caFile)}`).config.ssl as Record<
        string,
        unknown
      >;
      expect(ssl.rejectUnauthorized).toBe(true);
      expect(ssl.ca).toContain('BEGIN CERTIFICATE');
      expect(ssl.checkServerIdentity).toBeUndefined();
    });

    it('sslmode=verify-ca verifies the chain but skips the host name check', () => {
      const ssl = parsePgUrl(`postgres://u@h/d?sslmode=verify-ca&sslrootcert=${caFile}`).config.ssl as Record<string, unknown>;
      expect(ssl.rejectUnauthorized).toBe(true);
      expect(typeof ssl.checkServerIdentity).toBe('function');
      expect((ssl.checkServerIdentity as () => unknown)()).toBeUndefined();
    });

    it('require with an sslrootcert verifies the CA, as libpq does', () => {
      expect(parsePgUrl(`postgres://u@h/d?sslmode=require&sslrootcert=${caFile}`).sslMode).toBe('verify-ca');
    });

    it('explicit TLS options win over the URL', () => {
      const parsed = parsePgUrl('postgres://u@h/d?sslmode=disable', { tls: { mode: 'verify-full', ca: 'PEM' } });
      expect(parsed.sslMode).toBe('verify-full');
      expect(parsed.config.ssl).toMatchObject({ rejectUnauthorized: true, ca: 'PEM' });
    });

    it('reads client certificate and key files', () => {
      const ssl = parsePgUrl(`postgres://u@h/d?sslmode=require&sslcert=${caFile}&sslkey=${caFile}`).config.ssl as Record<string, unknown>;
      expect(ssl.cert).toContain('BEGIN CERTIFICATE');
      expect(ssl.key).toContain('BEGIN CERTIFICATE');
    });

    it('names an unreadable certificate file', () => {
      const missing = join(dir, 'nope.pem');
      expect(() => parsePgUrl(`postgres://u@h/d?sslmode=verify-full&sslrootcert=${missing}`)).toThrow(
        expect.objectContaining({ code: 'tls-failed', message: expect.stringContaining(missing) }),
      );
    });

    it('rejects sslrootcert=system with a weaker sslmode, as libpq does', () => {
      expect(parsePgUrl('postgres://u@h/d?sslrootcert=system').sslMode).toBe('verify-full');
      expect(malformed('postgres://u@h/d?sslrootcert=system&sslmode=require').message).toContain('sslrootcert=system');
    });
  });

  describe('malformed input names what is wrong', () => {
    it.each([
      ['', 'empty'],
      ['db.example.com:5432/app', 'does not start with postgres://'],
      ['mysql://u@h/d', 'scheme "mysql://"'],
      ['redis://h:6379', 'Redis URL'],
      ['postgres://u@h:70000/d', 'port "70000"'],
      ['postgres://u@h:0/d', 'port "0"'],
      ['postgres://u@h:abc/d', 'port "abc"'],
      ['postgres://u@h/d?port=99999', 'port "99999"'],
      ['postgres://u@/d', 'names no host'],
      ['postgres://u@h', 'names no database'],
      ['postgres://u@h/', 'names no database'],
      ['postgres://u@h1:5432,h2:5432/d', 'several hosts'],
      ['postgres://u@::1:5432/d', 'several colons'],
      ['postgres://u@h/d?sslmode=sometimes', 'sslmode=sometimes'],
      ['postgres://u@h/d?connect_timeout=soon', 'connect_timeout=soon'],
      ['postgres://u:%zz@h/d', 'invalid percent-encoding'],
      ['postgres://u@h/d#frag', '#fragment'],
    ])('%j', (url, expected) => {
      expect(malformed(url).message).toContain(expected);
    });

    it('gives a hint with an example', () => {
      expect(malformed('postgres://u@h').hint).toMatch(/postgres:\/\//);
    });

    it.each(['postgres://u:pa/ss@h/d', 'postgres://u:pa?ss@h/d', 'postgres://u:pa#ss@h/d'])(
      'never echoes a password with unencoded special characters: %s',
      (url) => {
        const error = malformed(url);
        expect(error.message).toContain('unencoded');
        expect(`${error.message} ${error.hint}`).not.toContain('ss@h');
      },
    );
  });
});

describe('maskPgUrl', () => {
  it.each([
    ['postgres://alice:s3cret@db:5432/app', 'postgres://alice:****@db:5432/app'],
    ['postgres://alice@db:5432/app', 'postgres://alice@db:5432/app'],
    ['postgres://db:5432/app', 'postgres://db:5432/app'],
    ['postgres://u@h/d?password=s3cret&sslmode=require', 'postgres://u@h/d?password=****&sslmode=require'],
    ['postgres://alice:p@ss@db/app', 'postgres://alice:****@db/app'],
    ['postgres://alice:pa/ss@db/app', 'postgres://alice:****@db/app'],
  ])('%s', (input, expected) => {
    expect(maskPgUrl(input)).toBe(expected);
  });

  it('masks the display URL of a parsed URL', () => {
    const parsed = parsePgUrl('postgres://alice:s3cret@db:5432/app?sslmode=disable');
    expect(parsed.displayUrl).toBe('postgres://alice:****@db:5432/app?sslmode=disable');
    expect(parsed.displayUrl).not.toContain('s3cret');
  });
});
