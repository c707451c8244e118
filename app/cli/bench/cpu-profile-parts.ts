/**
 * Where a request's CPU goes, by part of its path, from a V8 CPU profile of the engine's thread (the inspector's
 * Profiler.stop() result, or a `.cpuprofile` file). Each sample is charged to the innermost frame of its stack that
 * is Hotpath's code or a library's: time inside Node's own modules (a socket's writev, a Buffer copy) goes to the
 * code that called them, so `pg protocol` includes the writes pg makes. Samples with no such frame are Node's
 * own work (timers, the event loop's I/O callbacks), garbage collection, or V8's `(program)`.
 */

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  /** Node id of each sample, in order. */
  samples: number[];
  /** µs since the previous sample (the first: since startTime). */
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** The parts, in the order a request meets them. The first whose pattern matches a frame's URL wins. */
export const PATH_PARTS: readonly { part: string; url: RegExp }[] = [
  {
    part: 'schedule & runner',
    url: /\/main\/workload\/(open-loop-schedule|workload-runner|template-picker|split-workload-target|measurement-window)\./,
  },
  { part: 'parameters', url: /\/main\/workload\/(param-generators|zipf-sampler|alias-sampler)\./ },
  { part: 'cache key & L1', url: /\/main\/(cache\/l1\/|cache\/hot-keys\.|engine\/cached-workload-target\.)/ },
  { part: 'tiered cache', url: /\/main\/cache\/tiered\// },
  {
    part: 'L2: Redis client & codec',
    url: /\/main\/cache\/l2\/|\/node_modules\/(ioredis|msgpackr|redis-parser|redis-errors|denque|cluster-key-slot)\//,
  },
  { part: 'L3', url: /\/main\/cache\/l3\// },
  { part: 'pool', url: /\/main\/(pool\/|workload\/pg-workload-target\.)/ },
  { part: 'pg protocol', url: /\/node_modules\/(pg|pg-protocol|pg-types|postgres-[a-z-]+|pg-int8)\// },
  { part: 'latency records', url: /\/main\/workload\/latency-recorder\.|\/main\/telemetry\/hdr-|\/node_modules\/hdr-histogram-js\// },
  { part: 'planner', url: /\/main\/planner\// },
  { part: 'per second: telemetry, SLOs, memory', url: /\/main\/(telemetry|slo|memory|engine)\// },
];

const NODE_OWN = 'Node.js (timers, I/O callbacks)';
const GC = 'garbage collection';
const PROGRAM = 'V8 (program)';
const OTHER = 'other code';

/** A frame that is Node's own (node:… and internal URLs, native frames with no URL) is not a part of the path. */
function isNodeOwn(url: string): boolean {
  return url === '' || url.startsWith('node:') || url.startsWith('internal/');
}

function partOfUrl(url: string): string {
  for (const { part, url: pattern } of PATH_PARTS) if (pattern.test(url)) return part;
  return OTHER;
}

/** µs of the profile's thread by part, `(idle)` left out. */
export function cpuByPart(profile: CpuProfile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const partOfNode = new Map<number, string | null>();
  const resolve = (id: number): string | null => {
    const known = partOfNode.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id)!;
    const { functionName, url } = node.callFrame;
    let part: string | null;
    if (functionName === '(idle)') part = null;
    else if (functionName === '(garbage collector)') part = GC;
    else if (functionName === '(program)') part = PROGRAM;
    else if (!isNodeOwn(url)) part = partOfUrl(url);
    else {
      const up = parent.get(id);
      part = up === undefined || byId.get(up)!.callFrame.functionName === '(root)' ? NODE_OWN : resolve(up);
    }
    partOfNode.set(id, part);
    return part;
  };
  const totals = new Map<string, number>();
  // A sample's time is the gap to the next one: the time the thread spent where that sample found it.
  for (let i = 0; i < profile.samples.length; i++) {
    const next = i + 1 < profile.timeDeltas.length ? profile.timeDeltas[i + 1]! : 0;
    const part = resolve(profile.samples[i]!);
    if (part !== null) totals.set(part, (totals.get(part) ?? 0) + next);
  }
  return totals;
}
