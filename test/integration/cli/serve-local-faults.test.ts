import { readdir, readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { localStackPaths } from '../../../main/stack/local/data-dir.ts';
import { readCredentials } from '../../../main/stack/local/credentials.ts';
import { readPostmasterPid, readRedisPid } from '../../../main/stack/local/orphan-cleanup.ts';
import { isProcessAlive, processCommandLine } from '../../../main/util/process-probe.ts';
import { startCli, type CliProcess } from '../../support/run-cli.ts';
import { waitFor } from '../../support/wait-for.ts';

/** Alive and not a zombie (an orphan's zombie may never be reaped under this machine's init). */
const alive = (pid: number) => isProcessAlive(pid);

/** The live ones among `pids`, each with its command line, so a failure says what was left. */
async function survivors(pids: number[]): Promise<string[]> {
  const left: string[] = [];
  for (const pid of pids) if (await isProcessAlive(pid)) left.push(`${pid}: ${(await processCommandLine(pid)) ?? '?'}`);
  return left;
}

/** Every live descendant of `root` (children, grandchildren…), from /proc. */
async function descendants(root: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
    if (!stat) continue;
    // The command name may hold spaces and parentheses: fields after the last ')' are fixed.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    parents.set(ppid, [...(parents.get(ppid) ?? []), pid]);
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const child of parents.get(pid) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(root);
  return found;
}

async function serverPids(dataDir: string): Promise<{ postgres: number; redis: number }> {
  const paths = localStackPaths(dataDir);
  return { postgres: (await readPostmasterPid(paths))!.pid, redis: (await readRedisPid(paths))!.pid };
}

/** A client of the local stack's database, with the generated password from the data folder. */
async function localClient(dataDir: string): Promise<pg.Client> {
  const paths = localStackPaths(dataDir);
  const port = (await readPostmasterPid(paths))!.port!;
  const credentials = (await readCredentials(paths.credentials))!;
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: credentials.postgresPassword, database: 'hotpath' });
  await client.connect();
  return client;
}

async function ready(cli: CliProcess): Promise<void> {
  await waitFor(
    'ready',
    () => {
      if (cli.child.exitCode !== null) throw new Error(`hotpath exited: ${cli.stderr()}`);
      return cli.stdout().includes('Hotpath is ready') ? true : undefined;
    },
    150_000,
  );
}

/** On failure the CLI's own account is what to read first; whatever is still running is stopped gracefully. */
async function withCli<T>(cli: CliProcess, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    (error as Error).message += `\n--- hotpath stdout ---\n${cli.stdout()}\n--- hotpath stderr ---\n${cli.stderr()}`;
    throw error;
  } finally {
    if (cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  }
}

describe('hotpath serve --local under faults', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('SIGTERM while the workload runs far above what the server can do: exits 0 and leaves no child process', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hotpath-backlog-'));
    dirs.push(dataDir);
    // Two connections at 50 ms a request serve 40 requests/s; 5,000 are asked for, so requests pile up in flight
    // (up to the runner's cap) waiting for a connection: the backlog a shutdown must not wait out.
    const profile = join(dataDir, 'slow.yaml');
    await writeFile(profile, 'name: slow\nrate: 5000\ntemplates:\n  - name: slow_read\n    weight: 1\n    sql: SELECT pg_sleep(0.05)\n');
    const cli = startCli([
      'serve',
      '--local',
      '--data-dir',
      dataDir,
      '--port',
      '0',
      '--chunks',
      '1000',
      '--workload',
      profile,
      '--pool-size',
      '2',
    ]);
    await withCli(cli, async () => {
      await ready(cli);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(cli.stdout())![1]!;
      await waitFor('a backlog of requests in flight', async () => {
        const body = await (await fetch(`${url}/metrics`)).text();
        const inFlight = /^hotpath_workload_requests_in_flight(?:\{[^}]*\})? (\S+)$/m.exec(body)?.[1];
        return inFlight !== undefined && Number(inFlight) > 1000 ? true : undefined;
      });
      const children = await descendants(cli.child.pid!);
      const servers = await serverPids(dataDir);
      expect(children).toEqual(expect.arrayContaining([servers.postgres, servers.redis]));
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toEqual({ code: 0, signal: null });
      expect(await survivors(children)).toEqual([]);
    });
  }, 240_000);

  it('after a SIGKILL the servers are orphaned; the next start stops them, reuses the data and starts fresh ones', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hotpath-sigkill-'));
    dirs.push(dataDir);
    const first = startCli(['serve', '--local', '--data-dir', dataDir, '--port', '0', '--chunks', '3000']);
    const orphans = await withCli(first, async () => {
      await ready(first);
      const client = await localClient(dataDir);
      try {
        await client.query('CREATE TABLE survives_sigkill (note text)');
        await client.query(`INSERT INTO survives_sigkill VALUES ('written before the kill')`);
      } finally {
        await client.end();
      }
      const servers = await serverPids(dataDir);
      first.child.kill('SIGKILL');
      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
      return servers;
    });
    // Nothing stopped them: they outlive the killed host.
    expect(await alive(orphans.postgres)).toBe(true);
    expect(await alive(orphans.redis)).toBe(true);

    const second = startCli(['serve', '--local', '--data-dir', dataDir, '--port', '0', '--chunks', '3000']);
    await withCli(second, async () => {
      await ready(second);
      expect(await alive(orphans.postgres)).toBe(false);
      expect(await alive(orphans.redis)).toBe(false);
      const now = await serverPids(dataDir);
      expect(now.postgres).not.toBe(orphans.postgres);
      expect(await alive(now.postgres)).toBe(true);
      const client = await localClient(dataDir);
      try {
        expect((await client.query('SELECT note FROM survives_sigkill')).rows).toEqual([{ note: 'written before the kill' }]);
        const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM unified.chunks');
        expect(rows[0]!.n).toBe(3000);
      } finally {
        await client.end();
      }
      second.child.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });
      expect(await alive(now.postgres)).toBe(false);
      expect(await alive(now.redis)).toBe(false);
    });
  }, 300_000);
});
