import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuildHistory } from '../../../main/advisor/build-history.ts';
import { SYNTHETIC_PHASES, type BuildProgress } from '../../../main/advisor/build-progress.ts';
import { IndexBuilder, type BuildRequest } from '../../../main/advisor/index-builder.ts';
import { useBuildTestDatabase } from '../../support/build-test-database.ts';
import { TEST_SERVERS } from '../../support/databases.ts';
import { waitFor } from '../../support/wait-for.ts';

function spec(table: string): BuildRequest {
  return {
    schema: 'public',
    table,
    columns: [{ name: 'a', direction: 'asc' }],
    include: [],
    method: 'btree',
    predicate: null,
    reason: 'fault test',
  };
}

/**
 * Faults that hit a build from outside, as an operator or the server causes them: the build's backend cancelled
 * (pg_cancel_backend from another session), terminated (pg_terminate_backend), or stuck behind a lock until
 * lock_timeout. Each must end with no index left behind, one history entry that says what happened (no 'building'
 * left over), and a workload on the same table that never saw an error.
 */
describe.each(TEST_SERVERS)('index build faults (%s)', (server) => {
  const database = useBuildTestDatabase(server);
  const { connect } = database;
  let folder: string;
  let history: BuildHistory;

  /** Reads on the table in a loop, as a service would, until stopped: resolves with how many ran and every error. */
  const workload = (table: string) => {
    const pool = new pg.Pool({ connectionString: database.db.url, max: 2 });
    pool.on('error', () => undefined);
    let running = true;
    let done = 0;
    const errors: string[] = [];
    const loop = async () => {
      while (running) {
        try {
          await pool.query(`SELECT count(*) FROM ${pg.escapeIdentifier(table)} WHERE a = $1`, [done % 97]);
          done++;
        } catch (error) {
          errors.push((error as Error).message);
        }
      }
    };
    const loops = [loop(), loop()];
    return {
      done: () => done,
      stop: async () => {
        running = false;
        await Promise.all(loops);
        await pool.end();
        return { done, errors };
      },
    };
  };

  const setUp = async (table: string) => {
    await database.makeTable(table);
    return await database.openWriter(table);
  };

  const indexesOf = async (table: string) => {
    const { rows } = await database.admin.query<{ name: string; valid: boolean }>(
      `
      SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = $1::regclass ORDER BY 1`,
      [table],
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.valid]));
  };

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'hotpath-build-faults-'));
    history = new BuildHistory(folder);
  });
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  /**
   * Starts a build behind an open writer (so the invalid index exists while it waits), applies `fault` to its
   * backend, lets the writer go once the builder is cleaning up, and returns the outcome and the workload's count.
   */
  const buildUnderFault = async (table: string, lockTimeoutMs: number, fault: (backendPid: number) => Promise<void>) => {
    const writer = await setUp(table);
    const reads = workload(table);
    const builder = new IndexBuilder({ connect, history, readOnly: false, lockTimeoutMs, progressIntervalMs: 100 });
    const events: BuildProgress[] = [];
    const outcome = builder.build(spec(table), { onProgress: (p) => events.push(p) });
    const waiting = await waitFor('the build waiting for the writer', () =>
      events.find((e) => e.phase === 'waiting for writers before build'),
    );
    expect(Object.values(await indexesOf(table))).toContain(false);
    expect((await history.list()).at(-1)).toMatchObject({ name: waiting.name, status: 'building' });
    await fault(waiting.pid);
    await waitFor('the cleanup', () => events.find((e) => e.phase === SYNTHETIC_PHASES.droppingInvalid));
    await writer.query('COMMIT');
    const result = await outcome;
    await waitFor('the workload to run', () => (reads.done() > 0 ? true : undefined));
    const load = await reads.stop();
    return { result, load };
  };

  it('a build whose backend an operator cancels (pg_cancel_backend) fails, saying so, and leaves nothing', async () => {
    const { result, load } = await buildUnderFault('fault_cancel', 600_000, async (pid) => {
      await database.admin.query('SELECT pg_cancel_backend($1)', [pid]);
    });
    expect(result, result.message).toMatchObject({
      status: 'failed',
      leftInvalid: false,
      message: expect.stringContaining('No index was left behind'),
    });
    expect(result.entry).toMatchObject({ status: 'failed', error: expect.stringMatching(/cancel/i) });
    expect(result.entry.leftInvalid).toBeUndefined();
    expect(await indexesOf('fault_cancel')).toEqual({ fault_cancel_pkey: true });
    expect(load.errors).toEqual([]);
  });

  it('a build whose backend is terminated (pg_terminate_backend) fails, cleans up on a fresh connection, and leaves nothing', async () => {
    const { result, load } = await buildUnderFault('fault_terminate', 600_000, async (pid) => {
      await database.admin.query('SELECT pg_terminate_backend($1)', [pid]);
    });
    expect(result, result.message).toMatchObject({
      status: 'failed',
      leftInvalid: false,
      message: expect.stringContaining('No index was left behind'),
    });
    expect(result.entry).toMatchObject({ status: 'failed', error: expect.stringMatching(/terminat/i) });
    expect(await indexesOf('fault_terminate')).toEqual({ fault_terminate_pkey: true });
    expect(load.errors).toEqual([]);
  });

  it('a build that hits lock_timeout behind another session says so and leaves nothing', async () => {
    const { result, load } = await buildUnderFault('fault_lock', 1500, async () => undefined);
    expect(result, result.message).toMatchObject({ status: 'lock-timeout', leftInvalid: false });
    expect(result.entry).toMatchObject({ status: 'lock-timeout', error: expect.stringContaining('lock timeout') });
    expect(await indexesOf('fault_lock')).toEqual({ fault_lock_pkey: true });
    expect(load.errors).toEqual([]);
  });

  it('leaves no entry in the building state after any of them', async () => {
    expect((await history.list()).filter((e) => e.status === 'building')).toEqual([]);
  });
});
