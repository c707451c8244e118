import pg from 'pg';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase, type TestServer } from './databases.ts';

/** A real test database for index-build suites: an admin session, tracked connections, and a table to index. */
export interface BuildTestDatabase {
  readonly db: TestDatabase;
  /** Opened before the suite, closed after it. */
  readonly admin: pg.Client;
  /** A new connection to the database; every one but the admin is closed after each test. */
  connect(): Promise<pg.Client>;
  /** `table (id int PRIMARY KEY, a int NOT NULL)` with 5000 rows, `a` in 0..96. */
  makeTable(table: string): Promise<void>;
  /** A writer's open transaction on `table`: CONCURRENTLY waits for it after the invalid index exists. */
  openWriter(table: string): Promise<pg.Client>;
}

/** Registers the suite's hooks (database per suite, connections closed after each test) and returns the handle. */
export function useBuildTestDatabase(server: TestServer): BuildTestDatabase {
  let db: TestDatabase | undefined;
  let admin: pg.Client | undefined;
  const clients: pg.Client[] = [];
  const connect = async () => {
    const client = new pg.Client({ connectionString: db!.url });
    // A build's backend is cancelled or terminated on purpose in these suites: its session's error is expected.
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    db = await createTestDatabase(server);
    admin = await connect();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(1).map((c) => c.end().catch(() => undefined)));
  });
  afterAll(async () => {
    await admin?.end().catch(() => undefined);
    await db?.drop();
  });
  return {
    get db() {
      return db!;
    },
    get admin() {
      return admin!;
    },
    connect,
    async makeTable(table) {
      await admin!.query(`CREATE TABLE ${pg.escapeIdentifier(table)} (id int PRIMARY KEY, a int NOT NULL)`);
      await admin!.query(`INSERT INTO ${pg.escapeIdentifier(table)} SELECT g, g % 97 FROM generate_series(1, 5000) g`);
    },
    async openWriter(table) {
      const writer = await connect();
      await writer.query('BEGIN');
      await writer.query(`INSERT INTO ${pg.escapeIdentifier(table)} VALUES (100000, 1)`);
      return writer;
    },
  };
}
