import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import '../../support/provided.ts';
import { createTestDatabase, serverUrl, TEST_SERVERS, withDatabase } from '../../support/databases.ts';
import type { TestDatabase } from '../../support/databases.ts';
import { connectRemoteStack } from '../../../main/stack/remote/remote-stack.ts';
import { freePort } from '../../../main/stack/local/free-port.ts';
import { expectStackError, startSilentServer } from './support/stack-test-helpers.ts';

function withPassword(url: string, password: string | null): string {
  const parsed = new URL(url);
  parsed.password = password ?? '';
  return parsed.toString();
}

describe.each(TEST_SERVERS)('connectRemoteStack against %s', (server) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(server);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('connects, reports the server version and gives pools a working config', async () => {
    const stack = await connectRemoteStack({ pgUrl: db.url, redisUrl: inject('redisUrl') });
    try {
      expect(stack.kind).toBe('remote');
      expect(Math.floor(stack.capabilities.serverVersion / 10000)).toBe(server === 'pg18' ? 18 : 15);
      expect(stack.redis?.url).toBe(inject('redisUrl'));
      const client = new pg.Client(stack.pg);
      await client.connect();
      try {
        const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
        expect(rows[0]?.db).toBe(db.name);
      } finally {
        await client.end();
      }
    } finally {
      await stack.stop();
    }
  });

  it('falls back to plain text under the default sslmode=prefer (these servers have no TLS)', async () => {
    const stack = await connectRemoteStack({ pgUrl: db.url });
    expect(stack.pg.ssl).toBe(false);
    // Loopback: no warning about plain text; but no Redis is worth a notice.
    expect(stack.notices.map((n) => n.code)).not.toContain('tls-fallback');
    expect(stack.notices.map((n) => n.code)).toContain('redis-not-configured');
    expect(stack.redis).toBeNull();
  });

  it('detects pg_stat_statements, creating the extension only where the library is preloaded', async () => {
    const stack = await connectRemoteStack({ pgUrl: db.url });
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const preloaded = (await client.query<{ s: string }>(`SELECT current_setting('shared_preload_libraries') AS s`)).rows[0]!.s.includes(
        'pg_stat_statements',
      );
      const created = (await client.query(`SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'`)).rowCount === 1;
      expect(stack.capabilities.pgStatStatements).toBe(preloaded);
      expect(created).toBe(preloaded);
      if (!preloaded) {
        const notice = stack.notices.find((n) => n.code === 'pg-stat-statements-not-preloaded');
        expect(notice?.hint).toContain('shared_preload_libraries');
        expect(notice?.hint).toContain('index advisor');
      }
    } finally {
      await client.end();
    }
    // pg18 is started with the library preloaded; the system pg15 is not (checked by this suite's assumptions).
    expect(stack.capabilities.pgStatStatements).toBe(server === 'pg18');
  });

  it('a missing database is named, with how to create it', async () => {
    const error = await expectStackError(
      connectRemoteStack({ pgUrl: withDatabase(serverUrl(server), 'no_such_db_hotpath') }),
      'database-missing',
    );
    expect(error.message).toContain('no_such_db_hotpath');
    expect(error.hint).toContain('createdb no_such_db_hotpath');
  });

  it('sslmode=require against a server without TLS says the server has none', async () => {
    const error = await expectStackError(connectRemoteStack({ pgUrl: `${db.url}?sslmode=require` }), 'tls-not-supported');
    expect(error.message).toContain('sslmode=require');
  });

  it('sslmode=verify-full fails as a TLS error, never silently in plain text', async () => {
    // The system pg15 may have TLS on (then its self-signed certificate is untrusted) or off.
    const admin = new pg.Client({ connectionString: serverUrl(server) });
    await admin.connect();
    const ssl = (await admin.query<{ ssl: string }>('SHOW ssl')).rows[0]!.ssl;
    await admin.end();
    await expectStackError(
      connectRemoteStack({ pgUrl: `${db.url}?sslmode=verify-full` }),
      ssl === 'on' ? 'tls-untrusted' : 'tls-not-supported',
    );
  });

  it('read-only mode creates no extension', async () => {
    const other = await createTestDatabase(server);
    try {
      const stack = await connectRemoteStack({ pgUrl: other.url, readOnly: true });
      expect(stack.capabilities.pgStatStatements).toBe(false);
      const client = new pg.Client({ connectionString: other.url });
      await client.connect();
      expect((await client.query(`SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'`)).rowCount).toBe(0);
      await client.end();
      if (server === 'pg18') expect(stack.notices.find((n) => n.code === 'pg-stat-statements-not-created')?.message).toContain('read-only');
    } finally {
      await other.drop();
    }
  });
});

describe('connectRemoteStack: authentication and permissions (pg18, password auth)', () => {
  const role = `hotpath_role_${randomBytes(4).toString('hex')}`;
  const rolePassword = 'role-pw-1';
  let locked: TestDatabase;

  beforeAll(async () => {
    locked = await createTestDatabase('pg18');
    const admin = new pg.Client({ connectionString: serverUrl('pg18') });
    await admin.connect();
    await admin.query(`CREATE ROLE ${pg.escapeIdentifier(role)} LOGIN PASSWORD '${rolePassword}'`);
    await admin.query(`REVOKE CONNECT ON DATABASE ${pg.escapeIdentifier(locked.name)} FROM PUBLIC`);
    await admin.end();
  });
  afterAll(async () => {
    await locked.drop();
    const admin = new pg.Client({ connectionString: serverUrl('pg18') });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(role)}`);
    await admin.end();
  });

  it('a wrong password is an auth failure that says to check the password', async () => {
    const error = await expectStackError(connectRemoteStack({ pgUrl: withPassword(serverUrl('pg18'), 'wrong-password') }), 'auth-failed');
    expect(error.hint).toContain('password');
    expect(error.message).not.toContain('wrong-password');
  });

  it('a missing password says the URL has none', async () => {
    const error = await expectStackError(connectRemoteStack({ pgUrl: withPassword(serverUrl('pg18'), null) }), 'auth-failed');
    expect(error.message).toContain('has none');
  });

  it('an unknown user is named', async () => {
    const url = new URL(serverUrl('pg18'));
    url.username = 'nobody_hotpath';
    const error = await expectStackError(connectRemoteStack({ pgUrl: url.toString() }), 'auth-failed');
    expect(error.message).toContain('nobody_hotpath');
  });

  it('a user without CONNECT on the database gets permission-denied with the GRANT to ask for', async () => {
    const url = new URL(withDatabase(serverUrl('pg18'), locked.name));
    url.username = role;
    url.password = rolePassword;
    const error = await expectStackError(connectRemoteStack({ pgUrl: url.toString() }), 'permission-denied');
    expect(error.hint).toContain(`GRANT CONNECT ON DATABASE ${locked.name} TO ${role}`);
  });

  it('a user who may not read shared_preload_libraries gets a notice, not an error, and no extension is created', async () => {
    const fresh = await createTestDatabase('pg18');
    try {
      const url = new URL(fresh.url);
      url.username = role;
      url.password = rolePassword;
      const stack = await connectRemoteStack({ pgUrl: url.toString() });
      expect(stack.capabilities.serverVersion).toBeGreaterThan(180000);
      expect(stack.capabilities.pgStatStatements).toBe(false);
      const notice = stack.notices.find((n) => n.code === 'pg-stat-statements-not-created');
      expect(notice?.message).toContain('cannot read shared_preload_libraries');
      expect(notice?.hint).toContain(`CREATE EXTENSION pg_stat_statements; in database "${fresh.name}"`);
    } finally {
      await fresh.drop();
    }
  });
});

describe('connectRemoteStack: network failures and bad input', () => {
  it('a closed port is connection-refused', async () => {
    const port = await freePort();
    const error = await expectStackError(connectRemoteStack({ pgUrl: `postgres://u:p@127.0.0.1:${port}/d` }), 'connection-refused');
    expect(error.message).toContain(`127.0.0.1:${port}`);
  });

  it('a server that accepts and never answers is a timeout within the bound', async () => {
    const silent = await startSilentServer();
    try {
      const error = await expectStackError(
        connectRemoteStack({ pgUrl: `postgres://u:p@127.0.0.1:${silent.port}/d?sslmode=disable`, connectTimeoutMs: 500 }),
        'timeout',
      );
      expect(error.message).toContain('within 0.5 s');
    } finally {
      await silent.close();
    }
  });

  it.each([
    ['postgres://u@127.0.0.1:99999/d', 'port'],
    ['postgres://u@127.0.0.1:5432', 'no database'],
    ['http://127.0.0.1:5432/d', 'scheme'],
  ])('a malformed URL %s is rejected before any connection', async (url, inMessage) => {
    const error = await expectStackError(connectRemoteStack({ pgUrl: url }), 'malformed-url');
    expect(error.message).toContain(inMessage);
  });

  it('a malformed Redis URL is rejected too', async () => {
    await expectStackError(connectRemoteStack({ pgUrl: serverUrl('pg15'), redisUrl: 'redis://127.0.0.1:70000' }), 'malformed-url');
  });
});

describe('connectRemoteStack: Redis', () => {
  it('a reachable Redis is verified with PING', async () => {
    const stack = await connectRemoteStack({ pgUrl: serverUrl('pg15'), redisUrl: inject('redisUrl') });
    expect(stack.redis).toEqual({
      url: inject('redisUrl'),
      displayUrl: inject('redisUrl'),
      topology: { kind: 'standalone', url: inject('redisUrl') },
    });
    expect(stack.notices.map((n) => n.code)).not.toContain('redis-not-configured');
  });

  it('a closed Redis port is connection-refused', async () => {
    const port = await freePort();
    const error = await expectStackError(
      connectRemoteStack({ pgUrl: serverUrl('pg15'), redisUrl: `redis://127.0.0.1:${port}` }),
      'connection-refused',
    );
    expect(error.message).toContain(String(port));
  });

  it('a silent Redis is a timeout', async () => {
    const silent = await startSilentServer();
    try {
      await expectStackError(
        connectRemoteStack({ pgUrl: serverUrl('pg15'), redisUrl: `redis://127.0.0.1:${silent.port}`, connectTimeoutMs: 500 }),
        'timeout',
      );
    } finally {
      await silent.close();
    }
  });

  it('a database number the server does not have is database-missing', async () => {
    await expectStackError(connectRemoteStack({ pgUrl: serverUrl('pg15'), redisUrl: `${inject('redisUrl')}/999` }), 'database-missing');
  });
});
