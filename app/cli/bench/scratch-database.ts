import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { dropDatabase } from '../../../main/database/index.ts';
import { quoteIdent } from '../../../main/sql/identifiers.ts';
import { withClient } from '../../../main/util/pg-client.ts';

async function asAdmin(serverUrl: string, work: (client: pg.Client) => Promise<void>): Promise<void> {
  await withClient(serverUrl, work);
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
