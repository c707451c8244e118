import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { TEST_SERVERS, createTestDatabase } from '../support/databases.ts';

describe.each(TEST_SERVERS)('test server %s', (server) => {
  it('is the PostgreSQL major version the suites claim to cover', async () => {
    const db = await createTestDatabase(server);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
      expect(Math.floor(Number(rows[0]!.v) / 10000)).toBe(server === 'pg18' ? 18 : 15);
    } finally {
      await client.end();
      await db.drop();
    }
  });
});
