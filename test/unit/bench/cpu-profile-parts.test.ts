import { describe, expect, it } from 'vitest';
import { cpuByPart, type CpuProfile, type CpuProfileNode } from '../../../app/cli/bench/cpu-profile-parts.ts';

const APP = 'file:///work/hotpath';

/** A profile from a tree given as [id, functionName, url, children]. */
function profile(nodes: [number, string, string, number[]][], samples: number[], deltas: number[]): CpuProfile {
  const list: CpuProfileNode[] = nodes.map(([id, functionName, url, children]) => ({ id, callFrame: { functionName, url }, children }));
  return { nodes: list, samples, timeDeltas: deltas, startTime: 0, endTime: deltas.reduce((a, b) => a + b, 0) };
}

describe('cpuByPart', () => {
  const tree: [number, string, string, number[]][] = [
    [1, '(root)', '', [2, 3, 4, 5, 9]],
    [2, '(idle)', '', []],
    [3, '(garbage collector)', '', []],
    [4, '(program)', '', []],
    [5, 'get', `${APP}/main/cache/l1/l1-cache.ts`, [6]],
    [6, 'timedQuery', `${APP}/main/pool/pool-manager.ts`, [7]],
    [7, 'query', `${APP}/node_modules/pg/lib/client.js`, [8]],
    [8, 'writev', 'node:internal/stream_base_commons', []],
    [9, 'processTimers', 'node:internal/timers', []],
  ];

  it("charges each sample's time to the innermost frame that is ours or a library's, Node's own frames to their caller", () => {
    // Sample i lasts until sample i + 1: the deltas are shifted by one.
    const parts = cpuByPart(profile(tree, [5, 6, 8, 7, 3, 4, 9, 2, 5], [0, 10, 20, 30, 40, 50, 60, 70, 80]));
    expect(Object.fromEntries(parts)).toEqual({
      'cache key & L1': 10,
      pool: 20,
      // The socket write inside pg's query and pg's own frame.
      'pg protocol': 30 + 40,
      'garbage collection': 50,
      'V8 (program)': 60,
      'Node.js (timers, I/O callbacks)': 70,
    });
  });

  it('leaves idle time out, and calls code it has no part for "other code"', () => {
    const parts = cpuByPart(
      profile(
        [
          [1, '(root)', '', [2, 3]],
          [2, '(idle)', '', []],
          [3, 'parse', `${APP}/node_modules/zod/lib/index.js`, []],
        ],
        [2, 3, 2],
        [0, 500, 7],
      ),
    );
    expect(Object.fromEntries(parts)).toEqual({ 'other code': 7 });
  });
});
