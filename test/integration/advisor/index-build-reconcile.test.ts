import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ownershipMarker } from '../../../main/advisor/build-catalog.ts';
import { BuildHistory } from '../../../main/advisor/build-history.ts';
import { reconcileBuilds } from '../../../main/advisor/build-reconcile.ts';
import { IndexBuilder, type BuildRequest } from '../../../main/advisor/index-builder.ts';
import { indexName } from '../../../main/advisor/index-spec.ts';
import { databaseNamespace } from '../../../main/engine/cache-session.ts';
import { Engine } from '../../../main/engine/engine.ts';
import { useBuildTestDatabase } from '../../support/build-test-database.ts';
import { TEST_SERVERS } from '../../support/databases.ts';
import { errorOf } from '../../support/error-of.ts';
import { waitFor } from '../../support/wait-for.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = resolve(here, '../../..');
const fixture = join(here, 'fixtures', 'build-child.ts');

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

/** Starts the build in a child process and resolves once its history entry is written and the build is under way. */
async function buildInChild(
  url: string,
  folder: string,
  table: string,
  column: string,
): Promise<{ child: ChildProcess; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, url, folder, table, column], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise((res) => child.once('exit', res));
  await new Promise<void>((res, rej) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('"building":true')) res();
    });
    void exited.then(() => rej(new Error(`the build process exited before building: ${stdout} ${stderr}`)));
  });
  return { child, exited };
}

/**
 * Hotpath killed in the middle of CREATE INDEX CONCURRENTLY: the server backend goes on without it (it is waiting
 * behind an open writer, so it does not notice its client is gone). The history entry written before the statement
 * was sent is what the next start reconciles: the index PostgreSQL finished is adopted and can be rolled back; the
 * invalid one a terminated backend left is reported and dropped only on request. An hp_ index without our marker is
 * never adopted.
 */
describe.each(TEST_SERVERS)('index builds reconciled after the process was killed (%s)', (server) => {
  const database = useBuildTestDatabase(server);
  const { connect, makeTable, openWriter } = database;
  let folder: string;
  let history: BuildHistory;
  const buildBackend = (ddlName: string) =>
    waitFor(`the build of ${ddlName} in pg_stat_activity`, async () => {
      const { rows } = await database.admin.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND strpos(query, $1) > 0`,
        [ddlName],
      );
      return rows[0]?.pid;
    });
  const backendGone = (pid: number) =>
    waitFor(`backend ${pid} to end`, async () => {
      const { rows } = await database.admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
      return rows.length === 0 ? true : undefined;
    });
  const indexState = async (name: string) => {
    const { rows } = await database.admin.query<{ valid: boolean; comment: string | null }>(
      `SELECT i.indisvalid AS valid, obj_description(i.indexrelid, 'pg_class') AS comment FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1`,
      [name],
    );
    return rows[0] ?? null;
  };
  const builder = () => new IndexBuilder({ history, readOnly: false, connect, lockTimeoutMs: 10_000 });

  afterEach(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });
  const freshHistory = async () => {
    folder = await mkdtemp(join(tmpdir(), 'hotpath-reconcile-'));
    history = new BuildHistory(folder);
  };

  it('adopts an index PostgreSQL finished after the builder was SIGKILLed, so it can be rolled back', async () => {
    await freshHistory();
    await makeTable('killed_done');
    const name = indexName(spec('killed_done', 'a'));
    const writer = await openWriter('killed_done');
    const { child, exited } = await buildInChild(database.db.url, folder, 'killed_done', 'a');
    const backend = await buildBackend(name);
    child.kill('SIGKILL');
    await exited;
    // The evidence a crash leaves: the entry was written before CREATE INDEX was sent.
    expect((await history.list()).map((e) => [e.name, e.status])).toEqual([[name, 'building']]);

    // While the server still builds it, the start reports that and leaves the entry alone.
    const early = await reconcileBuilds({ connect, history, readOnly: false });
    expect(early).toEqual([expect.objectContaining({ kind: 'still-building', name })]);
    expect((await history.list())[0]!.status).toBe('building');

    await writer.query('COMMIT');
    await backendGone(backend);
    expect(await indexState(name)).toMatchObject({ valid: true, comment: null });

    const findings = await reconcileBuilds({ connect, history, readOnly: false });
    expect(findings).toEqual([expect.objectContaining({ kind: 'adopted', name, table: 'killed_done' })]);
    const [entry] = await history.list();
    expect(entry).toMatchObject({ name, status: 'built', definition: expect.stringContaining(name), reconciledAt: expect.any(Number) });
    expect(entry!.note).toMatch(/finished this build after/);
    expect((await indexState(name))!.comment).toContain(entry!.id);

    // A second start finds nothing more to do.
    expect(await reconcileBuilds({ connect, history, readOnly: false })).toEqual([]);
    expect((await builder().rollback(name)).status).toBe('rolled-back');
    expect(await indexState(name)).toBeNull();
  });

  it('reports the INVALID index a killed build left when its backend was terminated, and drops it only on request', async () => {
    await freshHistory();
    await makeTable('killed_invalid');
    const name = indexName(spec('killed_invalid', 'a'));
    const writer = await openWriter('killed_invalid');
    const { child, exited } = await buildInChild(database.db.url, folder, 'killed_invalid', 'a');
    const backend = await buildBackend(name);
    child.kill('SIGKILL');
    await exited;
    await database.admin.query('SELECT pg_terminate_backend($1)', [backend]);
    await backendGone(backend);
    await writer.query('COMMIT');
    expect(await indexState(name)).toMatchObject({ valid: false });

    const findings = await reconcileBuilds({ connect, history, readOnly: false });
    expect(findings).toEqual([
      expect.objectContaining({ kind: 'left-invalid', name, message: expect.stringContaining('DROP INDEX CONCURRENTLY') }),
    ]);
    expect((await history.list())[0]).toMatchObject({ status: 'failed', leftInvalid: true });
    expect(await indexState(name)).toMatchObject({ valid: false }); // reported, not dropped

    const dropped = await builder().rollback(name);
    expect(dropped).toMatchObject({ status: 'failed', note: expect.stringMatching(/dropped on request/) });
    expect(dropped.leftInvalid).toBeUndefined();
    expect(await indexState(name)).toBeNull();
    // Nothing is left to drop under that entry now.
    expect(((await errorOf(builder().rollback(name))) as { code: string }).code).toBe('not-built-by-hotpath');
  });

  it('records a build that a kill interrupted before PostgreSQL created anything as interrupted', async () => {
    await freshHistory();
    await makeTable('killed_early');
    const name = indexName(spec('killed_early', 'a'));
    // ACCESS EXCLUSIVE: the build cannot even take its table lock, so no index exists when it dies.
    const holder = await connect();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE killed_early IN ACCESS EXCLUSIVE MODE');
    const { child, exited } = await buildInChild(database.db.url, folder, 'killed_early', 'a');
    const backend = await buildBackend(name);
    child.kill('SIGKILL');
    await exited;
    await database.admin.query('SELECT pg_terminate_backend($1)', [backend]);
    await backendGone(backend);
    await holder.query('COMMIT');

    expect(await reconcileBuilds({ connect, history, readOnly: false })).toEqual([expect.objectContaining({ kind: 'interrupted', name })]);
    expect((await history.list())[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/interrupted/) });
    expect(await indexState(name)).toBeNull();
  });

  it('reconciles a build whose recorded owner pid is 0 or a zombie: neither is a live Hotpath', async () => {
    await freshHistory();
    // pid 0 would signal Hotpath's own process group; a zombie has exited but answers signal 0 until reaped.
    // The forked child exits at once and perl never waits for it, so it stays a zombie until perl exits. (A shell's
    // `sleep 0 & …; exec sleep 60` raced: on a loaded machine the shell sometimes reaped its child before the exec.)
    const parent = spawn('perl', ['-MPOSIX', '-e', '$| = 1; my $pid = fork(); POSIX::_exit(0) if $pid == 0; print "$pid\n"; sleep 60'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      const zombie = Number(await new Promise<string>((res) => parent.stdout!.once('data', (d: Buffer) => res(d.toString()))));
      await waitFor(`process ${zombie} to be a zombie`, async () =>
        (await readFile(`/proc/${zombie}/stat`, 'utf8')).split(') ')[1]?.startsWith('Z') ? true : undefined,
      );
      const startedAt = Date.now();
      for (const [table, ownerPid] of [
        ['owner_pid_zero', 0],
        ['owner_pid_zombie', zombie],
      ] as const) {
        const name = indexName(spec(table, 'a'));
        await history.record({
          name,
          schema: 'public',
          table,
          ddl: `CREATE INDEX CONCURRENTLY ${name} ON public.${table} (a)`,
          reason: 'test',
          startedAt,
          finishedAt: startedAt,
          status: 'building',
          durationMs: 0,
          ownerPid,
        });
      }
      const findings = await reconcileBuilds({ connect, history, readOnly: false });
      expect(findings.map((f) => [f.table, f.kind])).toEqual([
        ['owner_pid_zero', 'interrupted'],
        ['owner_pid_zombie', 'interrupted'],
      ]);
      expect((await history.list()).map((e) => e.status)).toEqual(['failed', 'failed']);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('reports a marked hp_ index whose entry is not in this history (a lost history) and neither adopts nor drops it', async () => {
    await freshHistory();
    await makeTable('marked');
    const built = await builder().build(spec('marked', 'a'));
    expect(built.status).toBe('built');
    await database.admin.query('CREATE INDEX hp_marked_users_own_index ON marked (id, a)');
    // The history is lost (another data folder, a deleted file): only the catalog remains, and a comment anyone
    // who owns the table could have written is no proof that Hotpath built the index.
    await rm(folder, { recursive: true, force: true });

    const findings = await reconcileBuilds({ connect, history, readOnly: false });
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'unknown-marker', name: built.name, message: expect.stringContaining('not in this history') }),
        expect.objectContaining({ kind: 'not-ours', name: 'hp_marked_users_own_index' }),
      ]),
    );
    expect(await history.list()).toEqual([]);
    for (const name of [built.name, 'hp_marked_users_own_index']) {
      expect(((await errorOf(builder().rollback(name))) as { code: string }).code).toBe('not-built-by-hotpath');
      expect(await indexState(name)).toMatchObject({ valid: true });
    }
    await database.admin.query(`DROP INDEX ${built.name}, hp_marked_users_own_index`);
  });

  it('adopts a marked hp_ index only into the entry its marker names, when that entry is for this very index', async () => {
    await freshHistory();
    await makeTable('marked_known');
    const built = await builder().build(spec('marked_known', 'a'));
    // The write of 'built' was lost (the entry says the build failed), but the index and its marker are there.
    const [entry] = await history.list();
    await history.patch(entry!.id, { status: 'failed', error: 'lost', definition: undefined });

    const findings = await reconcileBuilds({ connect, history, readOnly: false });
    expect(findings).toEqual([expect.objectContaining({ kind: 'adopted', name: built.name })]);
    expect(await history.list()).toEqual([
      expect.objectContaining({ id: entry!.id, status: 'built', definition: expect.stringContaining(built.name) }),
    ]);
    expect((await builder().rollback(built.name)).status).toBe('rolled-back');
    expect(await indexState(built.name)).toBeNull();
  });

  it("never adopts an index whose owner forged the marker on it, even with a real entry's id; its rollback is refused", async () => {
    await freshHistory();
    await makeTable('marked_real');
    const real = await builder().build(spec('marked_real', 'a'));
    const [realEntry] = await history.list();
    const forger = `hp_forger_${randomBytes(4).toString('hex')}`;
    await database.admin.query(`CREATE ROLE ${forger}`);
    await database.admin.query(`GRANT CREATE ON SCHEMA public TO ${forger}`);
    try {
      await database.admin.query(`SET ROLE ${forger}`);
      await database.admin.query('CREATE TABLE forger_own (id int PRIMARY KEY, a int NOT NULL)');
      await database.admin.query('CREATE INDEX hp_forged_unknown ON forger_own (a)');
      await database.admin.query(`COMMENT ON INDEX hp_forged_unknown IS ${database.admin.escapeLiteral(ownershipMarker(randomUUID()))}`);
      // The marker of Hotpath's real index is public (obj_description), so the forger can copy its id too.
      await database.admin.query('CREATE INDEX hp_forged_copied ON forger_own (id, a)');
      await database.admin.query(`COMMENT ON INDEX hp_forged_copied IS ${database.admin.escapeLiteral(ownershipMarker(realEntry!.id))}`);
      await database.admin.query('RESET ROLE');

      const findings = await reconcileBuilds({ connect, history, readOnly: false });
      expect(findings).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            kind: 'unknown-marker',
            name: 'hp_forged_unknown',
            message: expect.stringContaining('leaves it alone'),
          }),
          expect.objectContaining({ kind: 'unknown-marker', name: 'hp_forged_copied' }),
        ]),
      );
      expect(findings.filter((f) => f.kind === 'adopted')).toEqual([]);
      expect(await history.list()).toEqual([expect.objectContaining({ id: realEntry!.id, name: real.name, status: 'built' })]);
      for (const name of ['hp_forged_unknown', 'hp_forged_copied']) {
        expect(((await errorOf(builder().rollback(name))) as { code: string }).code).toBe('not-built-by-hotpath');
        expect(await indexState(name)).toMatchObject({ valid: true });
      }
      expect((await builder().rollback(real.name)).status).toBe('rolled-back');
    } finally {
      await database.admin.query('RESET ROLE');
      await database.admin.query(`DROP OWNED BY ${forger}`);
      await database.admin.query(`DROP ROLE ${forger}`);
    }
  });

  it('the engine adopts it on the next connect (logged) and advisor.rollback drops it through the contract', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hotpath-reconcile-engine-'));
    try {
      const url = new URL(database.db.url);
      folder = join(
        dataDir,
        'advisor',
        databaseNamespace({ host: url.hostname, port: Number(url.port || 5432), database: database.db.name }),
      );
      history = new BuildHistory(folder);
      await makeTable('engine_adopts');
      const name = indexName(spec('engine_adopts', 'a'));
      const writer = await openWriter('engine_adopts');
      const { child, exited } = await buildInChild(database.db.url, folder, 'engine_adopts', 'a');
      const backend = await buildBackend(name);
      child.kill('SIGKILL');
      await exited;
      await writer.query('COMMIT');
      await backendGone(backend);

      const engine = new Engine({ dataDir, cache: false });
      const logs: string[] = [];
      engine.subscribe('engine.log', (entry) => logs.push(entry.message));
      try {
        await engine.call('stack.connect', { pgUrl: database.db.url });
        const adopted = await waitFor('the adopted entry', async () => {
          const status = await engine.call('advisor.status', {});
          return status.history.find((e) => e.name === name && e.status === 'built');
        });
        expect(logs.join('\n')).toContain(`finished this build after`);
        const rolledBack = await engine.call('advisor.rollback', { name, confirm: true });
        expect(rolledBack).toMatchObject({ id: adopted.id, status: 'rolled-back' });
        expect(await indexState(name)).toBeNull();
      } finally {
        await engine.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
