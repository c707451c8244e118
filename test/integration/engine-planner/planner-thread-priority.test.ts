import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { PlannerThread } from '../../../main/engine/planner-thread.ts';

/** Each thread's niceness in this process, from /proc (field 19 of a task's stat; the name before it may hold spaces). */
function threadNiceness(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe.runIf(process.platform === 'linux')('the plan selector thread’s priority (Linux)', () => {
  it('runs at niceness 15, and the rest of the process keeps its own', async () => {
    expect(threadNiceness()).not.toContain(15);
    // No server listens there: the first query starts the worker, which then fails to open its pool.
    const thread = new PlannerThread({ connectionString: 'postgres://nobody@127.0.0.1:1/none' }, () => undefined);
    try {
      const target = thread.hybridTarget([{ name: 'similar_chunks', weight: 1, anchored: 0 }], 7);
      await expect(target.execute(0, [])).rejects.toThrow();
      const niceness = threadNiceness();
      expect(niceness.filter((value) => value === 15)).toHaveLength(1);
      expect(new Set(niceness.filter((value) => value !== 15))).toEqual(new Set([getPriority(process.pid)]));
    } finally {
      await thread.close();
    }
  });
});
