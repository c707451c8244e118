import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRemoteStack } from '../../../main/stack/remote/remote-stack.ts';
import { expectStackError } from './support/stack-test-helpers.ts';
import { startTlsPostgres } from './support/tls-postgres.ts';
import type { TlsPostgres } from './support/tls-postgres.ts';

describe('connectRemoteStack against a PostgreSQL with TLS (own CA, certificate for another host name)', () => {
  let server: TlsPostgres;
  const url = (query: string) => `postgres://postgres:${server.password}@127.0.0.1:${server.port}/postgres?${query}`;

  beforeAll(async () => {
    server = await startTlsPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function connectionIsEncrypted(config: pg.ClientConfig): Promise<boolean> {
    const client = new pg.Client(config);
    await client.connect();
    try {
      const { rows } = await client.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      return rows[0]?.ssl === true;
    } finally {
      await client.end();
    }
  }

  it('sslmode=require connects encrypted without verifying', async () => {
    const stack = await connectRemoteStack({ pgUrl: url('sslmode=require') });
    expect(await connectionIsEncrypted(stack.pg)).toBe(true);
  });

  it('the default (prefer) uses TLS when the server has it', async () => {
    const stack = await connectRemoteStack({ pgUrl: url('') });
    expect(stack.pg.ssl).not.toBe(false);
    expect(await connectionIsEncrypted(stack.pg)).toBe(true);
  });

  it('sslmode=verify-ca with the CA connects, whatever the host name', async () => {
    const stack = await connectRemoteStack({ pgUrl: url(`sslmode=verify-ca&sslrootcert=${encodeURIComponent(server.caFile)}`) });
    expect(await connectionIsEncrypted(stack.pg)).toBe(true);
  });

  it('the CA can come from the explicit TLS options instead of the URL', async () => {
    const stack = await connectRemoteStack({ pgUrl: url(''), tls: { mode: 'verify-ca', rootCertPath: server.caFile } });
    expect(await connectionIsEncrypted(stack.pg)).toBe(true);
  });

  it('sslmode=verify-full without the CA: the certificate is not trusted', async () => {
    const error = await expectStackError(connectRemoteStack({ pgUrl: url('sslmode=verify-full') }), 'tls-untrusted');
    expect(error.hint).toContain('sslrootcert');
  });

  it('sslmode=verify-full with the CA but another host name: hostname mismatch', async () => {
    const error = await expectStackError(
      connectRemoteStack({ pgUrl: url(`sslmode=verify-full&sslrootcert=${encodeURIComponent(server.caFile)}`) }),
      'tls-hostname-mismatch',
    );
    expect(error.message).toContain('127.0.0.1');
  });

  it('sslmode=disable against a TLS-only pg_hba: the server requires encryption', async () => {
    const error = await expectStackError(connectRemoteStack({ pgUrl: url('sslmode=disable') }), 'tls-required');
    expect(error.hint).toContain('sslmode=require');
  });
});
