import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { dropDatabase } from '../../../main/database/index.ts';
import { quoteIdent } from '../../../main/sql/identifiers.ts';

async function asAdmin(serverUrl: string, work: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  // A server restart or an administrator ending this session fails the query in flight (rejected below);
  // without a listener the client's 'error' event would also end the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `serverUrl` with its database replaced. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/**
 * Runs `work` on a new, empty database of the server at `serverUrl` (named `<prefix>_<random>`), and drops it
 * afterwards whatever happened: a benchmark never touches the user's own databases.
 */
export async function withScratchDatabase<T>(serverUrl: string, prefix: string, work: (url: string) => Promise<T>): Promise<T> {
  const database = `${prefix}_${randomBytes(5).toString('hex')}`;
  await asAdmin(serverUrl, async (admin) => void (await admin.query(`CREATE DATABASE ${quoteIdent(database)}`)));
  try {
    return await work(databaseUrl(serverUrl, database));
  } finally {
    await asAdmin(serverUrl, (admin) => dropDatabase(admin, database));
  }
}
