import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuildHistory, HISTORY_FILE_NAME, type HistoryEntry } from '../../../main/advisor/build-history.ts';
import { errorOf } from '../../support/error-of.ts';

function entry(overrides: Partial<HistoryEntry> = {}): Omit<HistoryEntry, 'id'> {
  return {
    name: 'hp_orders_customer_id_1234abcd',
    schema: 'public',
    table: 'orders',
    ddl: 'CREATE INDEX CONCURRENTLY "hp_orders_customer_id_1234abcd" ON "public"."orders" USING btree ("customer_id")',
    reason: 'orders by customer scan the table',
    startedAt: 1_000,
    finishedAt: 3_000,
    status: 'built',
    durationMs: 2_000,
    ...overrides,
  };
}

describe('BuildHistory', () => {
  let folder: string;
  let history: BuildHistory;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'hotpath-history-'));
    history = new BuildHistory(join(folder, 'data'));
  });
  afterEach(async () => rm(folder, { recursive: true, force: true }));

  it('starts empty when there is no file, and creates the folder and file on the first record', async () => {
    expect(await history.list()).toEqual([]);
    const stored = await history.record(entry({ serves: ['orders_by_customer'], sizeBytes: 8192 }));
    expect(stored.id).toEqual(expect.any(String));
    expect(history.file).toBe(join(folder, 'data', HISTORY_FILE_NAME));
    const onDisk = JSON.parse(await readFile(history.file, 'utf8'));
    expect(onDisk).toEqual({ version: 1, entries: [stored] });
    expect((await stat(history.file)).mode & 0o777).toBe(0o600);
    // No temporary files are left next to it.
    expect(await readdir(join(folder, 'data'))).toEqual([HISTORY_FILE_NAME]);
  });

  it('keeps every record when many are made at once (writes are serialized)', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => history.record(entry({ name: `idx_${i}` }))));
    const names = (await history.list()).map((e) => e.name).sort();
    expect(names).toHaveLength(20);
    expect(new Set(names).size).toBe(20);
    // A second instance on the same folder sees the same entries.
    expect(await new BuildHistory(join(folder, 'data')).list()).toHaveLength(20);
  });

  it('marks an entry rolled back and records its effect, keeping one side when the other is given later', async () => {
    const stored = await history.record(entry());
    await history.setEffect(stored.id, { orders_by_customer: 41.5 }, undefined);
    const withAfter = await history.setEffect(stored.id, undefined, { orders_by_customer: 1.2 });
    expect(withAfter).toMatchObject({ latencyBefore: { orders_by_customer: 41.5 }, latencyAfter: { orders_by_customer: 1.2 } });
    const rolled = await history.markRolledBack(stored.id, 9_000);
    expect(rolled).toMatchObject({ status: 'rolled-back', rolledBackAt: 9_000, latencyBefore: { orders_by_customer: 41.5 } });
    expect((await history.list())[0]).toEqual(rolled);
  });

  it('finds what Hotpath built and still owns: the newest build or rollback per schema decides, failures do not', async () => {
    const built = await history.record(entry());
    await history.record(entry({ status: 'failed', error: 'boom' }));
    expect((await history.builtEntry(built.name))?.id).toBe(built.id);
    expect((await history.builtEntry(built.name, 'public'))?.id).toBe(built.id);
    expect(await history.builtEntry(built.name, 'other')).toBeUndefined();
    expect(await history.builtEntry('some_other_index')).toBeUndefined();
    await history.markRolledBack(built.id);
    expect(await history.builtEntry(built.name)).toBeUndefined();
    const again = await history.record(entry({ startedAt: 10_000, finishedAt: 11_000 }));
    expect((await history.builtEntry(built.name))?.id).toBe(again.id);
  });

  it('asks for the schema when the same name was built in two schemas', async () => {
    await history.record(entry());
    await history.record(entry({ schema: 'sales' }));
    expect(await errorOf(history.builtEntry('hp_orders_customer_id_1234abcd'))).toMatchObject({
      code: 'ambiguous-index',
      hint: expect.stringContaining('schema'),
    });
    expect((await history.builtEntry('hp_orders_customer_id_1234abcd', 'sales'))?.schema).toBe('sales');
  });

  it('refuses to touch a damaged file, naming it and saying what to do', async () => {
    await history.record(entry());
    await writeFile(history.file, '{"version": 1, "entries": [{"id": 3}]}');
    const error = await errorOf(history.record(entry()));
    expect(error).toMatchObject({
      code: 'index-history-unreadable',
      message: expect.stringContaining(history.file),
      hint: expect.stringContaining('mv '),
    });
    expect(await readFile(history.file, 'utf8')).toBe('{"version": 1, "entries": [{"id": 3}]}');
    await writeFile(history.file, 'not json');
    expect(await errorOf(history.list())).toMatchObject({
      code: 'index-history-unreadable',
      message: expect.stringContaining('not valid JSON'),
    });
  });

  it('says which id is unknown', async () => {
    expect(await errorOf(history.markRolledBack('nope'))).toMatchObject({
      code: 'no-such-history-entry',
      message: expect.stringContaining('nope'),
    });
  });

  it('turns a building entry into its outcome with patch, removing fields given as undefined and keeping the id', async () => {
    const building = await history.record(entry({ status: 'building', ownerPid: 4242, backendPid: 777, finishedAt: 1_000, durationMs: 0 }));
    const done = await history.patch(building.id, {
      status: 'failed',
      leftInvalid: true,
      ownerPid: undefined,
      backendPid: undefined,
      id: 'ignored',
    } as never);
    expect(done).toMatchObject({ id: building.id, status: 'failed', leftInvalid: true });
    expect(done).not.toHaveProperty('ownerPid');
    expect(done).not.toHaveProperty('backendPid');
    expect(await history.list()).toEqual([done]);
    expect(((await errorOf(history.patch('no-such-id', { note: 'x' }))) as { code: string }).code).toBe('no-such-history-entry');
  });
});
