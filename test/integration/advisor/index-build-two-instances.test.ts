import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BuildHistory } from '../../../main/advisor/build-history.ts';
import { buildLockHolder } from '../../../main/advisor/build-lock.ts';
import { SYNTHETIC_PHASES, type BuildProgress } from '../../../main/advisor/build-progress.ts';
import { IndexBuilder, type BuildRequest } from '../../../main/advisor/index-builder.ts';
import { indexName } from '../../../main/advisor/index-spec.ts';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { errorOf } from '../../support/error-of.ts';
import { waitFor } from '../../support/wait-for.ts';

/** Every index on public.table with its validity, by name. */
async function indexesOf(admin: pg.Client, table: string): Promise<Record<string, boolean>> {
  const { rows } = await admin.query<{ name: string; valid: boolean }>(
    `
    SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
    WHERE t.relnamespace = 'public'::regnamespace AND t.relname = $1`,
    [table],
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.valid]));
}

function spec(table: string, column: string): BuildRequest {
  return {
    schema: 'public',
    table,
    columns: [{ name: column, direction: 'asc' }],
    include: [],
    method: 'btree',
    predicate: null,
    reason: 'test',
  };
}

/**
 * Two Hotpaths (two builders, each with its own history, as two consoles with their own data folders) asked to build
 * the same proposal at once. A writer's open transaction holds the first build in "waiting for writers before
 * build", after its INVALID index exists: exactly the moment at which a second build, without the advisory lock,
 * found that index and dropped it as an earlier attempt's leftover (or failed on the name and dropped it in clean-up).
 */
describe.each(TEST_SERVERS)('two Hotpaths building the same index (%s)', (server) => {
  let db: TestDatabase;
  let admin: pg.Client;
  const folders: string[] = [];
  const blockers: pg.Client[] = [];
  const connect = async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    return client;
  };
  const builder = async () => {
    const folder = await mkdtemp(join(tmpdir(), 'hotpath-two-builders-'));
    folders.push(folder);
    const history = new BuildHistory(folder);
    return { history, builder: new IndexBuilder({ connect, history, readOnly: false, progressIntervalMs: 50, lockTimeoutMs: 60_000 }) };
  };
  /** A writer's open transaction on `table`: CONCURRENTLY waits for it before building. */
  const holdWriter = async (table: string) => {
    const client = await connect();
    blockers.push(client);
    await client.query('BEGIN');
    await client.query(`LOCK TABLE ${pg.escapeIdentifier(table)} IN ROW EXCLUSIVE MODE`);
    return client;
  };
  const makeTable = async (table: string) => {
    await admin.query(`CREATE TABLE ${pg.escapeIdentifier(table)} (id int PRIMARY KEY, a int NOT NULL, b int NOT NULL)`);
    await admin.query(`INSERT INTO ${pg.escapeIdentifier(table)} SELECT g, g % 97, g % 13 FROM generate_series(1, 5000) g`);
  };
  /** Starts a build and records its progress. */
  const start = (b: IndexBuilder, request: BuildRequest, signal?: AbortSignal) => {
    const progress: BuildProgress[] = [];
    const outcome = b.build(request, { onProgress: (p) => progress.push(p), ...(signal ? { signal } : {}) });
    return { progress, outcome };
  };

  beforeAll(async () => {
    db = await createTestDatabase(server);
    admin = await connect();
  });
  afterEach(async () => {
    await Promise.all(blockers.splice(0).map((c) => c.end().catch(() => undefined)));
  });
  afterAll(async () => {
    await admin?.end().catch(() => undefined);
    await db?.drop();
    for (const folder of folders) await rm(folder, { recursive: true, force: true });
  });

  it('builds the index once: the second waits, naming the first, and reports it built by the other without failing', async () => {
    await makeTable('raced');
    await makeTable('elsewhere');
    const request = spec('raced', 'a');
    const name = indexName(request);
    const writer = await holdWriter('raced');
    const a = await builder();
    const b = await builder();

    const first = start(a.builder, request);
    const aPid = await waitFor(
      'the first build to reach CREATE INDEX CONCURRENTLY',
      () => first.progress.find((p) => p.phase === 'waiting for writers before build')?.pid,
    );
    expect(await indexesOf(admin, 'raced')).toEqual({ raced_pkey: true, [name]: false });
    const holder = await buildLockHolder(admin, 'public', name);
    expect(holder).toMatchObject({ backendPid: aPid, hotpathPid: process.pid });

    const second = start(b.builder, request);
    const waiting = await waitFor('the second build to wait for the first', () =>
      second.progress.find((p) => p.phase === SYNTHETIC_PHASES.waitingForOtherBuilder),
    );
    // Who: the other Hotpath's process id, where it connects from (the test's loopback), its PostgreSQL backend.
    const holderText = `another Hotpath \\(pid ${process.pid} on 127\\.0\\.0\\.1, PostgreSQL backend ${aPid}\\)`;
    expect(waiting.phaseText).toMatch(new RegExp(`^${holderText} is building this index: waiting for it$`, 'i'));
    // The rest of the second console's work goes on: another table builds while it waits.
    const other = await b.builder.build(spec('elsewhere', 'b'));
    expect(other.status).toBe('built');
    // The first build's INVALID index is still there, untouched by the second.
    expect(await indexesOf(admin, 'raced')).toEqual({ raced_pkey: true, [name]: false });

    await writer.query('COMMIT');
    const [built, waited] = await Promise.all([first.outcome, second.outcome]);
    expect(built).toMatchObject({ status: 'built', alreadyExisted: false, name });
    expect(waited).toMatchObject({ status: 'built', alreadyExisted: true, name });
    expect(waited.message).toMatch(new RegExp(`was being built by ${holderText}; this run waited for it and found it built`));
    expect(await indexesOf(admin, 'raced')).toEqual({ raced_pkey: true, [name]: true });
    // Each history says what its own console did: one build, one "already there".
    expect((await a.history.list()).filter((e) => e.name === name)).toMatchObject([{ status: 'built' }]);
    expect((await b.history.list()).filter((e) => e.name === name)).toMatchObject([{ status: 'built', alreadyExisted: true }]);
    // Both released the lock.
    expect(await buildLockHolder(admin, 'public', name)).toBeNull();
  });

  it('a wait cancelled by its operator builds nothing and leaves the other build alone', async () => {
    await makeTable('cancelled');
    const request = spec('cancelled', 'b');
    const name = indexName(request);
    const writer = await holdWriter('cancelled');
    const a = await builder();
    const b = await builder();
    const first = start(a.builder, request);
    await waitFor('the first build to reach CREATE INDEX CONCURRENTLY', () =>
      first.progress.some((p) => p.phase === 'waiting for writers before build') ? true : undefined,
    );
    const abort = new AbortController();
    const second = start(b.builder, request, abort.signal);
    await waitFor('the second build to wait', () =>
      second.progress.some((p) => p.phase === SYNTHETIC_PHASES.waitingForOtherBuilder) ? true : undefined,
    );
    abort.abort();
    const cancelled = await second.outcome;
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.message).toMatch(/cancelled while another Hotpath \(pid \d+.*\) was building the same index; nothing was built here/);
    expect(await indexesOf(admin, 'cancelled')).toEqual({ cancelled_pkey: true, [name]: false });

    await writer.query('COMMIT');
    expect(await first.outcome).toMatchObject({ status: 'built', alreadyExisted: false });
    expect(await indexesOf(admin, 'cancelled')).toEqual({ cancelled_pkey: true, [name]: true });
  });

  it("dropping an earlier attempt's INVALID leftover waits its turn: another Hotpath's build in progress is refused, not dropped", async () => {
    await makeTable('leftover');
    const request = spec('leftover', 'a');
    const name = indexName(request);
    const writer = await holdWriter('leftover');
    const a = await builder();
    const b = await builder();
    // B's history says an earlier build of B's left an INVALID index of that name (now long gone).
    const now = Date.now();
    await b.history.record({
      name,
      schema: 'public',
      table: 'leftover',
      ddl: 'CREATE INDEX CONCURRENTLY …',
      reason: 'test',
      startedAt: now,
      finishedAt: now,
      status: 'failed',
      durationMs: 0,
      leftInvalid: true,
    });
    const first = start(a.builder, request);
    await waitFor('the first build to reach CREATE INDEX CONCURRENTLY', () =>
      first.progress.some((p) => p.phase === 'waiting for writers before build') ? true : undefined,
    );
    const refused = await errorOf(b.builder.rollback(name));
    expect(refused).toMatchObject({ code: 'table-busy' });
    expect((refused as Error).message).toMatch(
      new RegExp(`^Index ${name} in schema public is being built by another Hotpath \\(pid ${process.pid}`),
    );
    expect(await indexesOf(admin, 'leftover')).toEqual({ leftover_pkey: true, [name]: false });

    await writer.query('COMMIT');
    expect(await first.outcome).toMatchObject({ status: 'built', alreadyExisted: false });
    expect(await indexesOf(admin, 'leftover')).toEqual({ leftover_pkey: true, [name]: true });
  });
});
