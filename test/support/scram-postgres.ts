import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase, serverUrl, withDatabase, type TestServer } from './databases.ts';
import { startPrivatePostgres, type PrivatePostgres } from './private-postgres.ts';
import { waitFor } from './wait-for.ts';

/** A real server that asks for a password, a role with a known password, and a database it may connect to. */
export interface PasswordServer {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  /** A URL with every part but the password. */
  urlWithoutPassword: string;
  close(): Promise<void>;
}

async function run(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * pg18: the shared embedded server (scram for every connection). pg15: the shared system server trusts
 * everyone, so a private PostgreSQL 15 is started and its pg_hba.conf rewritten (by the server itself, as
 * superuser) to require scram-sha-256 for everything.
 */
export async function startPasswordServer(server: TestServer, password: string): Promise<PasswordServer> {
  const user = `hp_pw_${randomBytes(5).toString('hex')}`;
  let admin: string;
  let database: string;
  let cleanup: () => Promise<void>;
  if (server === 'pg18') {
    const db = await createTestDatabase('pg18');
    admin = serverUrl('pg18');
    database = db.name;
    cleanup = async () => {
      await db.drop();
      await run(admin, `DROP ROLE IF EXISTS ${pg.escapeIdentifier(user)}`);
    };
  } else {
    const priv: PrivatePostgres = await startPrivatePostgres('pg15');
    admin = priv.url;
    database = 'postgres';
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      const hba = (await client.query<{ hba_file: string }>('SHOW hba_file')).rows[0]!.hba_file;
      await client.query(`ALTER ROLE postgres PASSWORD ${pg.escapeLiteral(password)}`);
      await client.query(`COPY (SELECT 'host all all 127.0.0.1/32 scram-sha-256') TO ${pg.escapeLiteral(hba)}`);
      await client.query('SELECT pg_reload_conf()');
    } finally {
      await client.end();
    }
    // The postmaster reloads on SIGHUP, a moment later: wait until a connection without password is refused.
    await waitFor(
      'pg_hba.conf to require passwords',
      async () => {
        try {
          await run(priv.url, 'SELECT 1');
          return undefined;
        } catch {
          return true;
        }
      },
      10_000,
    );
    admin = priv.url.replace('postgres@', `postgres:${encodeURIComponent(password)}@`);
    cleanup = () => priv.destroy();
  }
  await run(admin, `CREATE ROLE ${pg.escapeIdentifier(user)} LOGIN PASSWORD ${pg.escapeLiteral(password)}`);
  const url = new URL(withDatabase(admin, database));
  url.username = user;
  url.password = '';
  return {
    host: url.hostname,
    port: Number(url.port),
    database,
    user,
    password,
    urlWithoutPassword: url.toString(),
    close: cleanup,
  };
}
