import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { dropDatabase } from '../../main/database/drop-database.ts';
import { inject } from 'vitest';
import './provided.ts';

export type TestServer = 'pg18' | 'pg15';

/** Both real servers every integration suite runs against: embedded PostgreSQL 18 and the system PostgreSQL 15. */
export const TEST_SERVERS: readonly TestServer[] = ['pg18', 'pg15'];

export function serverUrl(server: TestServer): string {
  return server === 'pg18' ? inject('pg18Url') : inject('pg15Url');
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates an empty database with a unique name on a real server; `drop()` removes it. */
export async function createTestDatabase(server: TestServer): Promise<TestDatabase> {
  const admin = serverUrl(server);
  const name = `hotpath_test_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  return {
    name,
    url: withDatabase(admin, name),
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await dropDatabase(c, name);
      } finally {
        await c.end();
      }
    },
  };
}
