import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { quoteIdent } from '../../../main/sql/identifiers.ts';

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
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
  await adminQuery(serverUrl, `CREATE DATABASE ${quoteIdent(database)}`);
  try {
    return await work(databaseUrl(serverUrl, database));
  } finally {
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
  }
}
