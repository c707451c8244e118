import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../main/engine/engine.ts';
import { TEST_SERVERS, withDatabase } from '../../support/databases.ts';
import { errorOf } from '../../support/error-of.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres.ts';
import { runCli } from '../../support/run-cli.ts';

/**
 * Read-only mode (`serve --read-only`, `optimize --dry-run`) sends no DDL from any entry point. The server here
 * preloads pg_stat_statements but no database has the extension created: exactly the case where a writable
 * connect runs CREATE EXTENSION, so its absence afterwards shows that none was sent.
 */
describe.each(TEST_SERVERS)('read-only sends no DDL from any entry point (%s)', (server) => {
  let postgres: PrivatePostgres;
  let admin: pg.Client;
  let url: string;
  let database: string;
  let dataDir: string;
  let engine: Engine | null = null;

  const extensions = async (): Promise<string[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<{ extname: string }>("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1")).rows.map(
        (r) => r.extname,
      );
    } finally {
      await client.end();
    }
  };
  const schemas = async (): Promise<string[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (
        await client.query<{ nspname: string }>(
          "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('public', 'information_schema') ORDER BY 1",
        )
      ).rows.map((r) => r.nspname);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    postgres = await startPrivatePostgres(server, ['shared_preload_libraries=pg_stat_statements']);
    admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
  }, 120_000);

  afterAll(async () => {
    await admin?.end();
    await postgres?.destroy();
  });

  beforeEach(async () => {
    database = `ro_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${database}`);
    url = withDatabase(postgres.url, database);
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-ro-'));
  });

  afterEach(async () => {
    await engine?.stop();
    engine = null;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stack.connect of a read-only engine creates no pg_stat_statements and says how to enable it', async () => {
    engine = new Engine({ dataDir, cache: false, readOnly: true });
    const status = await engine.call('stack.connect', { pgUrl: url });
    expect(await extensions()).toEqual([]);
    expect(status.stack?.pgStatStatements).toBe(false);
    const notice = status.notices.find((n) => n.code === 'pg-stat-statements-not-created');
    expect(notice?.hint).toContain('CREATE EXTENSION pg_stat_statements');
  });

  it('profiles.connect of a read-only engine creates no pg_stat_statements', async () => {
    engine = new Engine({ dataDir, cache: false, readOnly: true });
    const profile = await engine.call('profiles.save', { name: 'ro', pgUrl: url });
    await engine.call('profiles.connect', { id: profile.id });
    expect(await extensions()).toEqual([]);
  });

  it('stack.test creates nothing, even on a writable engine', async () => {
    engine = new Engine({ dataDir, cache: false });
    const test = await engine.call('stack.test', { pgUrl: url });
    expect(test.pgStatStatements).toBe(false);
    expect(await extensions()).toEqual([]);
  });

  it('demo.seed is refused in read-only mode, with what to do instead, and creates no schema', async () => {
    engine = new Engine({ dataDir, cache: false, readOnly: true });
    await engine.call('stack.connect', { pgUrl: url });
    const error = await errorOf(engine.call('demo.seed', { chunks: 10 }));
    expect(error).toMatchObject({ code: 'read-only' });
    expect((error as Error).message).toMatch(/read-only/i);
    expect((error as { hint: string }).hint).toMatch(/without --read-only/);
    expect(await schemas()).toEqual([]);
    expect((await engine.call('engine.status', {})).phase).toBe('ready');
  });

  it('`hotpath optimize --dry-run` creates no pg_stat_statements', async () => {
    const result = await runCli(['optimize', '--pg', url, '--data-dir', dataDir, '--dry-run', '--json']);
    expect(result.stderr).not.toMatch(/Error/);
    expect(await extensions()).toEqual([]);
  }, 60_000);
});
