import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localStackPaths } from '../../../main/stack/local/data-dir.ts';
import { startLocalStack } from '../../../main/stack/local/local-stack.ts';
import { readPostmasterPid, readRedisPid } from '../../../main/stack/local/orphan-cleanup.ts';
import { waitForProcessExit } from '../../../main/util/process-probe.ts';
import { aliveAmong } from './support/stack-test-helpers.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = resolve(here, '../../..');
const fixture = join(here, 'fixtures', 'local-stack-host.ts');

interface Host {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}

/** Runs the fixture host (`node --import tsx`) and resolves once it has said "ready". */
async function startHost(dataDir: string): Promise<Host> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, dataDir], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.once('exit', (code, signal) => res({ code, signal })),
  );
  await new Promise<void>((res, rej) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('"ready":true')) res();
    });
    void exited.then(({ code, signal }) => rej(new Error(`host exited (${signal ?? code}) before ready: ${stderr}`)));
  });
  return { child, exited, stderr: () => stderr };
}

async function serverPids(dataDir: string): Promise<number[]> {
  const paths = localStackPaths(dataDir);
  return [(await readPostmasterPid(paths))?.pid, (await readRedisPid(paths))?.pid].filter((p): p is number => p !== undefined);
}

describe('the local stack outlives no host', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-crash-'));
  });
  afterAll(async () => {
    // Whatever a failed assertion left running is stopped by one more start/stop.
    await (await startLocalStack({ dataDir, redis: 'off' }).catch(() => null))?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('SIGTERM to a host with onShutdownSignal stops PostgreSQL and Redis, then exits 0', async () => {
    const host = await startHost(dataDir);
    const pids = await serverPids(dataDir);
    expect(pids).toHaveLength(2);
    expect(await aliveAmong(pids)).toEqual(pids);

    host.child.kill('SIGTERM');
    expect(await host.exited, host.stderr()).toEqual({ code: 0, signal: null });
    expect(await aliveAmong(pids)).toEqual([]);
  });

  it('after a SIGKILL of the host, the next start stops the orphaned servers and starts fine', async () => {
    const host = await startHost(dataDir);
    const orphans = await serverPids(dataDir);
    expect(orphans).toHaveLength(2);

    host.child.kill('SIGKILL');
    expect((await host.exited).signal).toBe('SIGKILL');
    // Nothing ran on the host's side: the servers are still there, holding the data folder.
    expect(await aliveAmong(orphans)).toEqual(orphans);

    const steps: string[] = [];
    const stack = await startLocalStack({ dataDir, onProgress: (p) => steps.push(p.step) });
    try {
      expect(steps).toContain('cleanup');
      for (const pid of orphans) expect(await waitForProcessExit(pid, 0)).toBe(true);
      const fresh = await serverPids(dataDir);
      expect(fresh.some((pid) => orphans.includes(pid))).toBe(false);
      const client = new pg.Client(stack.pg);
      await client.connect();
      expect((await client.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await client.end();
    } finally {
      await stack.stop();
    }
  });
});
