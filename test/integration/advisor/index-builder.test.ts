import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuildHistory } from '../../../main/advisor/build-history.ts';
import { SYNTHETIC_PHASES, describePhase, type BuildProgress } from '../../../main/advisor/build-progress.ts';
import { IndexBuilder, IndexBuildError, type BuildRequest } from '../../../main/advisor/index-builder.ts';
import { createIndexDdl, indexName } from '../../../main/advisor/index-spec.ts';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { errorOf } from '../../support/error-of.ts';

/** Every index on schema.table with its validity, by name. */
async function indexesOf(admin: pg.Client, schema: string, table: string): Promise<Record<string, boolean>> {
  const { rows } = await admin.query<{ name: string; valid: boolean }>(
    `
    SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = $1 AND t.relname = $2`,
    [schema, table],
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.valid]));
}

function spec(schema: string, table: string, columns: string[], extra: Partial<BuildRequest> = {}): BuildRequest {
  return {
    schema,
    table,
    columns: columns.map((name) => ({ name, direction: 'asc' as const })),
    include: [],
    method: 'btree',
    predicate: null,
    reason: 'test',
    ...extra,
  };
}

describe.each(TEST_SERVERS)('IndexBuilder: builds, failures, rollback (%s)', (server) => {
  let db: TestDatabase;
  let admin: pg.Client;
  let folder: string;
  let history: BuildHistory;
  let builder: IndexBuilder;
  let connections = 0;
  const connect = async () => {
    connections += 1;
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    return client;
  };

  beforeAll(async () => {
    db = await createTestDatabase(server);
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    folder = await mkdtemp(join(tmpdir(), 'hotpath-index-builder-'));
    history = new BuildHistory(folder);
    builder = new IndexBuilder({ connect, history, readOnly: false, progressIntervalMs: 100, lockTimeoutMs: 5000 });
  });
  afterAll(async () => {
    await admin?.end().catch(() => undefined);
    await db?.drop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('builds an index on quoted, spaced, mixed-case names with live progress, then finds it already there, then rolls it back', async () => {
    const schema = 'My Schema';
    const table = 'Order "Items"';
    await admin.query(`CREATE SCHEMA "My Schema"`);
    await admin.query(`CREATE TABLE "My Schema"."Order ""Items""" (id bigint PRIMARY KEY, "Customer Id" int NOT NULL, note text)`);
    await admin.query(
      `INSERT INTO "My Schema"."Order ""Items""" SELECT g, ((g::bigint * 7919) % 50000)::int, md5(g::text) FROM generate_series(1, 300000) g`,
    );
    await admin.query(`ANALYZE "My Schema"."Order ""Items"""`);

    const request = spec(schema, table, ['Customer Id', 'note'], {
      reason: 'orders of a customer scan 300k rows',
      serves: ['items_by_customer'],
    });
    const events: BuildProgress[] = [];
    const outcome = await builder.build(request, { onProgress: (p) => events.push(p) });
    expect(outcome, outcome.message).toMatchObject({
      status: 'built',
      name: indexName(request),
      schema,
      table,
      alreadyExisted: false,
      leftInvalid: false,
    });
    expect(outcome.sizeBytes).toBeGreaterThan(0);
    expect(outcome.ddl).toBe(createIndexDdl(request));

    // At least one reading with a phase PostgreSQL reports, described and placed in the build.
    const known = events.filter(
      (e) => !Object.values<string>(SYNTHETIC_PHASES).includes(e.phase) && describePhase(e.phase, e).fraction !== null,
    );
    expect(known.length).toBeGreaterThanOrEqual(1);
    expect(known[0]).toMatchObject({ name: outcome.name, schema, table, pid: expect.any(Number), phaseText: expect.any(String) });
    for (const e of events) expect(e.fraction === null || (e.fraction >= 0 && e.fraction <= 1)).toBe(true);

    expect(await indexesOf(admin, schema, table)).toMatchObject({ [outcome.name]: true });
    expect(outcome.entry).toMatchObject({
      status: 'built',
      name: outcome.name,
      reason: 'orders of a customer scan 300k rows',
      serves: ['items_by_customer'],
      definition: expect.stringContaining('"Customer Id"'),
    });
    expect(builder.running()).toEqual([]);

    // Building the same proposal again is a no-op, recorded.
    const again = await builder.build(request);
    expect(again).toMatchObject({ status: 'built', alreadyExisted: true, name: outcome.name });

    // The engine records the measured effect later.
    await history.setEffect(outcome.entry.id, { items_by_customer: 12.5 }, { items_by_customer: 0.4 });

    const rolledBack = await builder.rollback(outcome.name, schema);
    expect(rolledBack).toMatchObject({ status: 'rolled-back', rolledBackAt: expect.any(Number) });
    expect(await indexesOf(admin, schema, table)).not.toHaveProperty(outcome.name);
    expect(await errorOf(builder.rollback(outcome.name, schema))).toMatchObject({ code: 'not-built-by-hotpath' });
  });

  it('drops the invalid index a failed UNIQUE build leaves, and a retry under the same name then succeeds', async () => {
    await admin.query(`CREATE TABLE dup (id int PRIMARY KEY, code int NOT NULL)`);
    await admin.query(`INSERT INTO dup SELECT g, g FROM generate_series(1, 1000) g`);
    await admin.query(`UPDATE dup SET code = 1 WHERE id = 2`);
    const request = spec('public', 'dup', ['code'], { unique: true });
    expect(createIndexDdl(request)).toMatch(/^CREATE UNIQUE INDEX CONCURRENTLY /);

    const failed = await builder.build(request);
    expect(failed).toMatchObject({
      status: 'failed',
      leftInvalid: false,
      message: expect.stringMatching(/could not create unique index.*No index was left behind/s),
    });
    expect(failed.entry).toMatchObject({ status: 'failed', error: expect.stringContaining('duplicated') });
    expect(await indexesOf(admin, 'public', 'dup')).toEqual({ dup_pkey: true });

    await admin.query(`UPDATE dup SET code = 2 WHERE id = 2`);
    const retried = await builder.build(request);
    expect(retried).toMatchObject({ status: 'built', name: failed.name, alreadyExisted: false });
    expect(await indexesOf(admin, 'public', 'dup')).toEqual({ dup_pkey: true, [failed.name]: true });
  });

  it('drops an invalid index an earlier attempt left under the deterministic name, then builds (never IF NOT EXISTS over it)', async () => {
    await admin.query(`CREATE TABLE leftover (id int PRIMARY KEY, code int NOT NULL)`);
    await admin.query(`INSERT INTO leftover VALUES (1, 7), (2, 7)`);
    const request = spec('public', 'leftover', ['code'], { unique: true });
    // An earlier run that died before cleaning up: the same DDL, failed, its invalid index left behind.
    expect(await errorOf(admin.query(createIndexDdl(request)))).toBeInstanceOf(Error);
    expect(await indexesOf(admin, 'public', 'leftover')).toEqual({ leftover_pkey: true, [indexName(request)]: false });

    await admin.query(`DELETE FROM leftover WHERE id = 2`);
    const outcome = await builder.build(request);
    expect(outcome).toMatchObject({ status: 'built', alreadyExisted: false });
    expect(await indexesOf(admin, 'public', 'leftover')).toEqual({ leftover_pkey: true, [indexName(request)]: true });
  });

  it('fails cleanly on an index whose expression errors', async () => {
    await admin.query(`CREATE TABLE expr (id int PRIMARY KEY, a int NOT NULL, b int NOT NULL)`);
    await admin.query(`INSERT INTO expr SELECT g, g, 0 FROM generate_series(1, 100) g`);
    // A partial index whose predicate divides by zero on every row: the build fails while scanning the table.
    const outcome = await builder.build(spec('public', 'expr', ['a'], { predicate: '("a" / "b") > 0' }));
    expect(outcome).toMatchObject({ status: 'failed', message: expect.stringContaining('division by zero') });
    expect(await indexesOf(admin, 'public', 'expr')).toEqual({ expr_pkey: true });
  });

  it('refuses to roll back an index Hotpath did not build, or one that was replaced under the same name', async () => {
    await admin.query(`CREATE TABLE theirs (id int PRIMARY KEY, a int, b int)`);
    await admin.query(`CREATE INDEX their_index ON theirs (a)`);
    const refused = await errorOf(builder.rollback('their_index', 'public'));
    expect(refused).toBeInstanceOf(IndexBuildError);
    expect(refused).toMatchObject({
      code: 'not-built-by-hotpath',
      message: expect.stringContaining('their_index'),
      hint: expect.stringContaining('DROP INDEX CONCURRENTLY'),
    });
    expect(await indexesOf(admin, 'public', 'theirs')).toMatchObject({ their_index: true });

    const built = await builder.build(spec('public', 'theirs', ['a']));
    expect(built.status).toBe('built');
    await admin.query(`DROP INDEX ${pg.escapeIdentifier(built.name)}`);
    await admin.query(`CREATE INDEX ${pg.escapeIdentifier(built.name)} ON theirs (b)`);
    expect(await errorOf(builder.rollback(built.name))).toMatchObject({ code: 'definition-changed' });
    expect(await indexesOf(admin, 'public', 'theirs')).toMatchObject({ [built.name]: true });
  });

  it('runs no DDL at all in read-only mode, and says what to do', async () => {
    await admin.query(`CREATE TABLE ro (id int PRIMARY KEY, a int)`);
    const before = connections;
    const readOnly = new IndexBuilder({ connect, history, readOnly: true });
    const build = await errorOf(readOnly.build(spec('public', 'ro', ['a'])));
    expect(build).toMatchObject({
      code: 'read-only',
      message: expect.stringContaining('read-only'),
      hint: expect.stringContaining('CREATE INDEX CONCURRENTLY'),
    });
    const rollback = await errorOf(readOnly.rollback('anything', 'public'));
    expect(rollback).toMatchObject({ code: 'read-only' });
    expect(connections).toBe(before);
    expect(await indexesOf(admin, 'public', 'ro')).toEqual({ ro_pkey: true });
  });

  it('rejects a spec it cannot build before connecting', async () => {
    const before = connections;
    expect(await errorOf(builder.build(spec('public', 'ro', [])))).toMatchObject({
      code: 'invalid-spec',
      message: expect.stringContaining('at least one column'),
    });
    expect(await errorOf(builder.build({ ...spec('public', 'ro', ['a']), name: 'x'.repeat(64) }))).toMatchObject({ code: 'invalid-spec' });
    expect(connections).toBe(before);
  });
});
