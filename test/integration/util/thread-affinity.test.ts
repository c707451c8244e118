import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { allowedCpus } from '../../../main/util/thread-affinity.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = resolve(here, '../../..');
const fixture = join(here, 'fixtures', 'dedicated-core-child.ts');
const run = promisify(execFile);

const linux = process.platform === 'linux';
const usable = (linux && allowedCpus('/proc/self/status')) || [];
/** util-linux's taskset, which the pinning runs; Debian's base system has it. */
const hasTaskset = linux && existsSync('/usr/bin/taskset');

interface Report {
  refused?: string;
  pid: string;
  mainCpu: number;
  otherCpus: number[];
  placed: Record<string, number[]>;
  workerTid: string;
  later: Record<string, number[]>;
  restored: Record<string, number[]>;
  childAtStart: number[] | null;
  childLater: number[] | null;
}

async function runChild(prefix: string[] = []): Promise<Report> {
  const command = [...prefix, process.execPath, '--import', 'tsx', fixture];
  const { stdout } = await run(command[0]!, command.slice(1), { cwd: repoRoot, timeout: 30_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Report;
}

describe.skipIf(!hasTaskset || usable.length < 2)('dedicateCoreToMainThread (Linux, taskset)', () => {
  it('puts the main thread alone on the first CPU and every other thread on the rest, later threads too; gives later child processes every CPU; stop gives every thread all of them back', async () => {
    const report = await runChild();
    expect(report.refused).toBeUndefined();
    expect(report.mainCpu).toBe(usable[0]);
    expect(report.otherCpus).toEqual(usable.slice(1));

    // V8's helpers and libuv's pool exist before the call; each was moved.
    const before = Object.entries(report.placed);
    expect(before.length).toBeGreaterThan(1);
    for (const [tid, list] of before) {
      expect(list, `thread ${tid}`).toEqual(tid === report.pid ? [report.mainCpu] : report.otherCpus);
    }
    // A thread the main thread starts afterwards begins on its CPU; the check for new threads moves it.
    expect(report.later[report.workerTid]).toEqual(report.otherCpus);
    expect(report.later[report.pid]).toEqual([report.mainCpu]);
    // A child process started afterwards begins there too (a local stack started from the console, say); it gets every
    // CPU back.
    expect(report.childAtStart).toEqual([report.mainCpu]);
    expect(report.childLater).toEqual(usable);

    for (const [tid, list] of Object.entries(report.restored)) expect(list, `thread ${tid}`).toEqual(usable);
  });

  it('refuses, saying why, in a process that may use one CPU only', async () => {
    const report = await runChild(['taskset', '-c', String(usable[0])]);
    expect(report.refused).toBe('the process may use only one CPU');
  });
});
