import pg from 'pg';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemoData } from '../../main/demo/seeder.ts';
import { createTestDatabase, type TestDatabase, type TestServer } from './databases.ts';

/** A fresh test database holding the demo data, and an empty data folder for the CLI that runs against it. */
export interface SeededDatabase {
  db: TestDatabase;
  dataDir: string;
  /** Drops the database and removes the data folder. */
  drop(): Promise<void>;
}

export async function createSeededDatabase(
  server: TestServer,
  options: { chunks: number; dataDirPrefix: string },
): Promise<SeededDatabase> {
  const db = await createTestDatabase(server);
  const dataDir = await mkdtemp(join(tmpdir(), options.dataDirPrefix));
  const pool = new pg.Pool({ connectionString: db.url });
  try {
    await seedDemoData(pool, { chunks: options.chunks });
  } finally {
    await pool.end();
  }
  return {
    db,
    dataDir,
    async drop() {
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
