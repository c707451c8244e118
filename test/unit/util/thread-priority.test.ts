import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { startModuleWorker } from '../../../main/util/start-module-worker.ts';
import { currentThreadId, lowerThisThreadPriority } from '../../../main/util/thread-priority.ts';

const PROBE = new URL('../../support/thread-priority-probe.ts', import.meta.url).href;

describe.runIf(process.platform === 'linux')('lowering a worker thread’s priority (Linux)', () => {
  it('lowers that thread alone: the process keeps its priority', async () => {
    const before = getPriority(process.pid);
    const worker = startModuleWorker(PROBE, 'thread-priority-probe-worker');
    try {
      const report = await new Promise<{ lowered: boolean; tid: number | null; threadPriority: number | null; processPriority: number }>(
        (resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
        },
      );
      expect(report.lowered).toBe(true);
      expect(report.tid).not.toBe(process.pid);
      expect(report.threadPriority).toBe(17);
      expect(report.processPriority).toBe(before);
      expect(getPriority(process.pid)).toBe(before);
    } finally {
      await worker.terminate();
    }
  });

  // Vitest runs test files in child processes here (pool: forks), whose main thread has the process's id.
  it.runIf(currentThreadId() === process.pid)("refuses on the process's main thread, which would lower the whole process", () => {
    const before = getPriority(process.pid);
    expect(lowerThisThreadPriority()).toBe(false);
    expect(getPriority(process.pid)).toBe(before);
  });
});
