import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { BuildHistory } from '../../../main/advisor/build-history.ts';
import { createIndexDdl, indexName, type IndexSpec } from '../../../main/advisor/index-spec.ts';
import { commandSchemas } from '../../../main/contract/commands.ts';
import { databaseNamespace } from '../../../main/engine/cache-session.ts';
import { Engine } from '../../../main/engine/engine.ts';
import { TEST_SERVERS, createTestDatabase } from '../../support/databases.ts';
import { waitFor } from '../../support/wait-for.ts';

/** No process has this id (above the kernel's pid_max), so the 'building' entry below belongs to a process that died. */
const DEAD_PID = 2 ** 30;

/**
 * What the console's "Drop invalid index…" relies on, through the real engine and contract: after a crash left an
 * INVALID index, advisor.status carries the entry's leftInvalid and note (the contract used to strip both, so the
 * console could not tell such an entry from any failed one), and advisor.rollback of its name drops exactly it.
 */
describe.each(TEST_SERVERS)('a build a crash left INVALID, through the contract (%s)', (server) => {
  it('advisor.status shows leftInvalid and the note, and advisor.rollback drops the index and says so', async () => {
    const db = await createTestDatabase(server);
    const dataDir = await mkdtemp(join(tmpdir(), 'hotpath-leftover-contract-'));
    const admin = new pg.Client({ connectionString: db.url });
    admin.on('error', () => undefined);
    await admin.connect();
    const engine = new Engine({ dataDir, cache: false });
    try {
      await admin.query('CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL)');
      await admin.query("INSERT INTO orders SELECT g, (ARRAY['new','paid'])[1 + g % 2] FROM generate_series(1, 2000) g");
      const spec: IndexSpec = {
        schema: 'public',
        table: 'orders',
        columns: [{ name: 'status', direction: 'asc' }],
        include: [],
        method: 'btree',
        predicate: null,
      };
      const name = indexName(spec);
      const ddl = createIndexDdl(spec);

      // The crash: the build's entry was written, CREATE INDEX CONCURRENTLY created the (invalid) index and waited
      // behind a writer, and its backend was terminated before it finished.
      const url = new URL(db.url);
      const history = new BuildHistory(
        join(dataDir, 'advisor', databaseNamespace({ host: url.hostname, port: Number(url.port || 5432), database: db.name })),
      );
      await history.record({
        name,
        schema: 'public',
        table: 'orders',
        ddl,
        reason: 'test',
        startedAt: Date.now(),
        finishedAt: 0,
        durationMs: 0,
        status: 'building',
        ownerPid: DEAD_PID,
      });
      const writer = new pg.Client({ connectionString: db.url });
      await writer.connect();
      await writer.query('BEGIN');
      await writer.query("INSERT INTO orders VALUES (100000, 'new')");
      const builder = new pg.Client({ connectionString: db.url, application_name: 'hotpath-leftover-test' });
      builder.on('error', () => undefined);
      await builder.connect();
      const building = builder.query(ddl).then(
        () => 'finished',
        (error: Error) => error.message,
      );
      const pid = await waitFor('the build waiting for the writer', async () => {
        const { rows } = await admin.query<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE application_name = 'hotpath-leftover-test' AND wait_event_type = 'Lock'",
        );
        return rows[0]?.pid;
      });
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      expect(await building).toMatch(/terminating connection/);
      await writer.query('COMMIT');
      await writer.end();
      const valid = async () =>
        (
          await admin.query<{ valid: boolean }>(
            'SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1',
            [name],
          )
        ).rows[0]?.valid ?? null;
      expect(await valid()).toBe(false);

      await engine.call('stack.connect', { pgUrl: db.url });
      const leftover = await waitFor('the reconciled entry', async () => {
        const status = commandSchemas['advisor.status'].result.parse(await engine.call('advisor.status', {}));
        return status.history.find((e) => e.name === name && e.status === 'failed');
      });
      expect(leftover.leftInvalid).toBe(true);
      // The engine says which entry's leftover advisor.rollback would drop; the console offers the drop only there.
      expect(leftover.droppableLeftover).toBe(true);
      expect(leftover.note).toMatch(/left an INVALID index/);
      expect(await valid()).toBe(false); // reported, not dropped

      const dropped = commandSchemas['advisor.rollback'].result.parse(await engine.call('advisor.rollback', { name, confirm: true }));
      expect(dropped).toMatchObject({ id: leftover.id, status: 'failed', note: expect.stringMatching(/dropped on request/) });
      expect(dropped.leftInvalid).toBeUndefined();
      expect(await valid()).toBeNull();
      const after = await engine.call('advisor.status', {});
      expect(after.history.find((e) => e.id === leftover.id)?.leftInvalid).toBeUndefined();
      expect(after.history.find((e) => e.id === leftover.id)?.droppableLeftover).toBeUndefined();
    } finally {
      await engine.stop();
      await admin.end();
      await rm(dataDir, { recursive: true, force: true });
      await db.drop();
    }
  }, 120_000);
});
