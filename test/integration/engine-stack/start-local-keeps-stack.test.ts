import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../main/engine/engine.ts';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';

/** A data folder that cannot be created: its parent is a regular file. */
async function unusableDataDir(root: string): Promise<string> {
  const file = join(root, 'not-a-folder');
  await writeFile(file, 'x');
  return join(file, 'data');
}

async function answers(config: pg.ClientConfig): Promise<boolean> {
  const client = new pg.Client(config);
  await client.connect();
  try {
    return (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one === 1;
  } finally {
    await client.end();
  }
}

/** stack.startLocal with a data folder that cannot be used is refused before anything running is stopped. */
describe('a failed stack.startLocal keeps the running local stack', () => {
  let root: string;
  let engine: Engine;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'hotpath-start-local-'));
    // As root, PostgreSQL runs as the postgres user, which must pass through this folder.
    await chmod(root, 0o711);
    engine = new Engine({ dataDir: join(root, 'app'), cache: false });
    await engine.call('stack.startLocal', { dataDir: join(root, 'app'), redis: 'off' });
  }, 180_000);
  afterAll(async () => {
    await engine?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('a data folder that cannot be created: refused, saying which folder and why; the local stack still runs', async () => {
    const before = await engine.call('engine.status', {});
    const bad = await unusableDataDir(root);
    await expect(engine.call('stack.startLocal', { dataDir: bad, redis: 'off' })).rejects.toMatchObject({
      code: 'data-dir-unusable',
      message: expect.stringContaining(bad),
    });
    const after = await engine.call('engine.status', {});
    expect(after.phase).toBe('ready');
    expect(after.stack).toEqual(before.stack);
    expect(
      await engine.call('database.activity', {}).then(
        () => true,
        () => false,
      ),
    ).toBe(true);
  });
});

describe.each(TEST_SERVERS)('a failed stack.startLocal keeps the connected database (%s)', (server) => {
  let db: TestDatabase;
  let root: string;
  let engine: Engine;

  beforeAll(async () => {
    db = await createTestDatabase(server);
    root = await mkdtemp(join(tmpdir(), 'hotpath-start-local-remote-'));
    engine = new Engine({ dataDir: root, cache: false });
    await engine.call('stack.connect', { pgUrl: db.url });
  });
  afterEach(async () => {
    expect((await engine.call('engine.status', {})).phase).toBe('ready');
  });
  afterAll(async () => {
    await engine?.stop();
    await db?.drop();
    await rm(root, { recursive: true, force: true });
  });

  it('a data folder that cannot be created: refused; the database stays connected and answers', async () => {
    const bad = await unusableDataDir(root);
    await expect(engine.call('stack.startLocal', { dataDir: bad, redis: 'off' })).rejects.toMatchObject({ code: 'data-dir-unusable' });
    const status = await engine.call('engine.status', {});
    expect(status.stack?.pgDisplayUrl).toContain(db.name);
    expect(await answers({ connectionString: db.url })).toBe(true);
  });
});
