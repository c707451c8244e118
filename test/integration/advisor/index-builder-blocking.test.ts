import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BuildHistory } from '../../../main/advisor/build-history.ts';
import { SYNTHETIC_PHASES, type BuildProgress } from '../../../main/advisor/build-progress.ts';
import { IndexBuilder, type BuildRequest } from '../../../main/advisor/index-builder.ts';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { errorOf } from '../../support/error-of.ts';
import { waitFor } from '../../support/wait-for.ts';

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
 * Builds that wait behind other sessions. The blocker holds a lock without a snapshot (LOCK TABLE takes none), so
 * only builds on its table wait for it; ROW EXCLUSIVE is what a writer holds and stalls CONCURRENTLY in "waiting for
 * writers before build", after the invalid index exists. Dropping that invalid index must wait for the same
 * writer, so each test ends the blocker once the builder has reached its cleanup.
 */
describe.each(TEST_SERVERS)('IndexBuilder: lock timeout, cancel, one build per table (%s)', (server) => {
  let db: TestDatabase;
  let admin: pg.Client;
  let folder: string;
  let history: BuildHistory;
  const blockers: pg.Client[] = [];
  const connect = async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    return client;
  };
  /** Another session that opens a transaction and locks `table` in `mode`; returns it and its pid. */
  const holdLock = async (table: string, mode: string) => {
    const client = await connect();
    blockers.push(client);
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await client.query('BEGIN');
    await client.query(`LOCK TABLE ${pg.escapeIdentifier(table)} IN ${mode} MODE`);
    return { client, pid: rows[0]!.pid };
  };
  const makeTable = async (table: string) => {
    await admin.query(`CREATE TABLE ${pg.escapeIdentifier(table)} (id int PRIMARY KEY, a int NOT NULL, b int NOT NULL)`);
    await admin.query(`INSERT INTO ${pg.escapeIdentifier(table)} SELECT g, g % 97, g % 13 FROM generate_series(1, 5000) g`);
  };

  beforeAll(async () => {
    db = await createTestDatabase(server);
    admin = await connect();
    folder = await mkdtemp(join(tmpdir(), 'hotpath-index-blocking-'));
    history = new BuildHistory(folder);
  });
  afterEach(async () => {
    await Promise.all(blockers.splice(0).map((c) => c.end().catch(() => undefined)));
  });
  afterAll(async () => {
    await admin?.end().catch(() => undefined);
    await db?.drop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('times out behind an open writer, naming it while it waits, and leaves no invalid index', async () => {
    await makeTable('lt_writer');
    const writer = await holdLock('lt_writer', 'ROW EXCLUSIVE');
    const builder = new IndexBuilder({ connect, history, readOnly: false, lockTimeoutMs: 2000, progressIntervalMs: 100 });
    const events: BuildProgress[] = [];
    const outcome = builder.build(spec('lt_writer', 'a'), { onProgress: (p) => events.push(p) });

    // The phase and the blocker are read in one query but not atomically: wait for a reading that has both.
    const waiting = await waitFor('progress naming the writer', () =>
      events.find((e) => e.phase === 'waiting for writers before build' && e.blocker?.pid === writer.pid),
    );
    expect(waiting).toMatchObject({
      phase: 'waiting for writers before build',
      blocker: {
        pid: writer.pid,
        state: 'idle in transaction',
        query: expect.stringContaining('LOCK TABLE'),
        xactAgeMs: expect.any(Number),
      },
    });
    expect(builder.running()).toMatchObject([{ table: 'lt_writer', progress: { phase: expect.any(String) } }]);
    // The build has already left its invalid index: exactly what the cleanup has to remove.
    expect(Object.values(await indexesOf(admin, 'lt_writer'))).toContain(false);

    await waitFor('the cleanup after the lock timeout', () => events.find((e) => e.phase === SYNTHETIC_PHASES.droppingInvalid));
    await writer.client.query('COMMIT');
    const result = await outcome;
    expect(result, result.message).toMatchObject({
      status: 'lock-timeout',
      leftInvalid: false,
      message: expect.stringContaining(`pid ${writer.pid}`),
    });
    expect(result.entry).toMatchObject({ status: 'lock-timeout', error: expect.stringContaining('lock timeout') });
    expect(await indexesOf(admin, 'lt_writer')).toEqual({ lt_writer_pkey: true });
    expect(builder.running()).toEqual([]);
  });

  it('times out waiting for the table lock itself (before any index exists), naming the holder', async () => {
    await makeTable('lt_locked');
    const locker = await holdLock('lt_locked', 'SHARE ROW EXCLUSIVE');
    const builder = new IndexBuilder({ connect, history, readOnly: false, lockTimeoutMs: 2000, progressIntervalMs: 100 });
    const events: BuildProgress[] = [];
    const result = await builder.build(spec('lt_locked', 'a'), { onProgress: (p) => events.push(p) });
    expect(result, result.message).toMatchObject({ status: 'lock-timeout', leftInvalid: false });
    expect(events.find((e) => e.blocker?.pid === locker.pid)).toMatchObject({ phase: SYNTHETIC_PHASES.waitingForTableLock });
    expect(await indexesOf(admin, 'lt_locked')).toEqual({ lt_locked_pkey: true });
  });

  it('cancels a build waiting behind an open transaction when its signal aborts, and leaves no invalid index', async () => {
    await makeTable('cancel_me');
    const writer = await holdLock('cancel_me', 'ROW EXCLUSIVE');
    const builder = new IndexBuilder({ connect, history, readOnly: false, lockTimeoutMs: 60_000, progressIntervalMs: 100 });
    const events: BuildProgress[] = [];
    const controller = new AbortController();
    const outcome = builder.build(spec('cancel_me', 'a'), { signal: controller.signal, onProgress: (p) => events.push(p) });

    await waitFor('the build waiting for the writer', () => events.find((e) => e.blocker?.pid === writer.pid));
    controller.abort();
    await waitFor('the cleanup after the cancel', () => events.find((e) => e.phase === SYNTHETIC_PHASES.droppingInvalid));
    await writer.client.query('COMMIT');
    const result = await outcome;
    expect(result, result.message).toMatchObject({
      status: 'cancelled',
      leftInvalid: false,
      message: expect.stringContaining('No index was left behind'),
    });
    expect(await indexesOf(admin, 'cancel_me')).toEqual({ cancel_me_pkey: true });
    expect((await history.list()).at(-1)).toMatchObject({ status: 'cancelled', table: 'cancel_me' });
  });

  it('cancels a build while it scans the table, and drops the invalid index', async () => {
    await makeTable('slow_scan');
    // An immutable predicate that takes a few ms a row keeps the build in its table scan for seconds.
    await admin.query(
      `CREATE FUNCTION slow_true(v int) RETURNS boolean IMMUTABLE LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.002); RETURN v >= 0; END $$`,
    );
    const builder = new IndexBuilder({ connect, history, readOnly: false, progressIntervalMs: 100 });
    const events: BuildProgress[] = [];
    const controller = new AbortController();
    const outcome = builder.build(
      { ...spec('slow_scan', 'a'), predicate: 'slow_true("a")' },
      { signal: controller.signal, onProgress: (p) => events.push(p) },
    );
    await waitFor('the table scan', () => events.find((e) => e.phase.startsWith('building index')));
    controller.abort();
    const result = await outcome;
    expect(result, result.message).toMatchObject({ status: 'cancelled', leftInvalid: false });
    expect(await indexesOf(admin, 'slow_scan')).toEqual({ slow_scan_pkey: true });
  });

  it('refuses a second build on a busy table at once, while a build on another table runs and completes', async () => {
    await makeTable('busy_one');
    await makeTable('busy_two');
    const writer = await holdLock('busy_one', 'ROW EXCLUSIVE');
    const builder = new IndexBuilder({ connect, history, readOnly: false, lockTimeoutMs: 60_000, progressIntervalMs: 100 });
    const events: BuildProgress[] = [];
    const first = builder.build(spec('busy_one', 'a'), { onProgress: (p) => events.push(p) });
    await waitFor('the first build waiting', () => events.find((e) => e.blocker?.pid === writer.pid));

    const refused = await errorOf(builder.build(spec('busy_one', 'b')));
    expect(refused).toMatchObject({
      code: 'table-busy',
      message: expect.stringContaining('busy_one'),
      hint: expect.stringContaining('Wait'),
    });
    const other = await builder.build(spec('busy_two', 'b'));
    expect(other, other.message).toMatchObject({ status: 'built' });
    expect(builder.running()).toMatchObject([{ table: 'busy_one' }]);

    await writer.client.query('COMMIT');
    const done = await first;
    expect(done, done.message).toMatchObject({ status: 'built' });
    expect(Object.values(await indexesOf(admin, 'busy_one'))).toEqual([true, true]);
  });
});
