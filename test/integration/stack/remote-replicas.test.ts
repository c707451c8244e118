import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../main/stack/local/free-port.ts';
import { connectRemoteStack } from '../../../main/stack/remote/remote-stack.ts';
import { createTestDatabase, TEST_SERVERS, type TestDatabase } from '../../support/databases.ts';
import { startPasswordServer, type PasswordServer } from '../../support/scram-postgres.ts';
import { expectStackError } from './support/stack-test-helpers.ts';

function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

async function currentUser(config: pg.ClientConfig): Promise<string> {
  const client = new pg.Client(config);
  await client.connect();
  try {
    return (await client.query<{ u: string }>('SELECT current_user AS u')).rows[0]!.u;
  } finally {
    await client.end();
  }
}

/**
 * connectRemoteStack with read replicas. A real standby is tested end to end in
 * test/integration/engine-stack/read-replica.test.ts; here the shared server stands for one, which is what the
 * not-in-recovery notice is for.
 */
describe.each(TEST_SERVERS)('connectRemoteStack with read replicas (%s)', (server) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(server);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('names the replicas in order, masks their URLs, gives working configs, and says a writable one is no standby', async () => {
    const stack = await connectRemoteStack({ pgUrl: db.url, replicaUrls: [db.url, db.url] });
    expect(stack.replicas.map((r) => r.name)).toEqual(['replica-1', 'replica-2']);
    for (const replica of stack.replicas) {
      expect(replica.displayUrl).toBe(stack.pgDisplayUrl);
      expect(await currentUser(replica.pg)).toBe(await currentUser(stack.pg));
    }
    const notices = stack.notices.filter((n) => n.code === 'replica-not-in-recovery');
    expect(notices.map((n) => n.message)).toEqual([expect.stringContaining('replica-1'), expect.stringContaining('replica-2')]);
  });

  it('has no replicas when none are given', async () => {
    const stack = await connectRemoteStack({ pgUrl: db.url });
    expect(stack.replicas).toEqual([]);
    expect(stack.notices.map((n) => n.code)).not.toContain('replica-not-in-recovery');
  });

  it('fails as a whole when a replica cannot be reached, naming it', async () => {
    const url = new URL(db.url);
    url.port = String(await freePort());
    const error = await expectStackError(
      connectRemoteStack({ pgUrl: db.url, replicaUrls: [db.url, url.toString()] }),
      'connection-refused',
    );
    expect(error.message).toMatch(/^Read replica replica-2 \(postgres:\/\/.*\): /);
  });

  it('refuses a malformed replica URL before connecting to anything', async () => {
    const error = await expectStackError(connectRemoteStack({ pgUrl: db.url, replicaUrls: ['postgres://h1,h2/db'] }), 'malformed-url');
    expect(error.message).toContain('replica-1');
  });
});

describe('read replica passwords (a server that asks for one)', () => {
  const secret = `rep!${randomBytes(4).toString('hex')}`;
  let server: PasswordServer;
  beforeAll(async () => {
    server = await startPasswordServer('pg18', secret);
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each(['connection-string', 'libpq'] as const)(
    "%s: a replica URL without a password connects with the primary's (same user)",
    async (passwordSources) => {
      const stack = await connectRemoteStack({
        pgUrl: withPassword(server.urlWithoutPassword, secret),
        replicaUrls: [server.urlWithoutPassword],
        passwordSources,
        env: {},
      });
      expect(stack.replicas[0]!.pg.password).toBe(secret);
      expect(stack.replicas[0]!.displayUrl).not.toContain(secret);
      expect(await currentUser(stack.replicas[0]!.pg)).toBe(server.user);
    },
  );

  it("does not hand the primary's password to another user, and the error names the replica without any password", async () => {
    const other = new URL(server.urlWithoutPassword);
    other.username = 'postgres';
    const error = await expectStackError(
      connectRemoteStack({
        pgUrl: withPassword(server.urlWithoutPassword, secret),
        replicaUrls: [other.toString()],
        passwordSources: 'connection-string',
        env: {},
      }),
      'auth-failed',
    );
    expect(error.message).toContain('Read replica replica-1');
    expect(error.message).not.toContain(secret);
  });

  it('a wrong password of its own fails, masked', async () => {
    const wrong = `wrong!${randomBytes(4).toString('hex')}`;
    const error = await expectStackError(
      connectRemoteStack({
        pgUrl: withPassword(server.urlWithoutPassword, secret),
        replicaUrls: [withPassword(server.urlWithoutPassword, wrong)],
        env: {},
      }),
      'auth-failed',
    );
    expect(error.message).toContain('replica-1');
    expect(error.message).not.toContain(wrong);
    expect(error.message).not.toContain(secret);
  });
});
