import { runnerBench } from '../bench/runner-bench.ts';
import { seedingBench } from '../bench/seeding-bench.ts';
import { resolve } from 'node:path';
import { cacheThroughputBench, cacheTraceBench } from '../bench/cache-bench.ts';
import { cacheAllBench } from '../bench/cache-all-bench.ts';
import { poolBench } from '../bench/pool-bench.ts';
import { readOnlyGuardBench } from '../bench/read-only-guard-bench.ts';
import type { TraceFormat } from '../../../main/cache/index.ts';
import type { BenchResult } from '../bench/bench-result.ts';
import { formatBenchTable } from '../bench/print-bench.ts';
import { withLocalBenchStack } from '../bench/local-bench-stack.ts';
import { soakBench } from '../bench/soak-bench.ts';
import { plannerBench } from '../bench/planner-bench.ts';
import { withScratchDatabase } from '../bench/scratch-database.ts';
import { startupBench } from '../bench/startup-bench.ts';
import { advisorBench } from '../bench/advisor-bench.ts';
import { capacityBench, type CapacityStepOptions } from '../bench/capacity-bench.ts';
import { cpuPathBench } from '../bench/cpu-path-bench.ts';

/** The system PostgreSQL the seeding suite uses when no --pg is given. */
const SYSTEM_PG = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchOptions extends CapacityStepOptions {
  json?: boolean;
  /** Absent: seeding uses SYSTEM_PG, pool a fresh local demo stack. */
  pg?: string;
  chunks: number;
  runs: number;
  seconds: number;
  trace?: string;
  format?: TraceFormat;
  /** cache: every trace of the folder (`--trace`, default ../shared/traces) at its README's reference sizes. */
  all?: boolean;
  /** cache --all: key hashes to average the hash-dependent policies over. */
  hashSeeds: number;
  size: number;
  /** soak: minutes and target rate of the demo workload. */
  minutes: number;
  rate: number;
  /** planner: queries answered before measuring, and queries measured with every plan. */
  warmup: number;
  queries: number;
  /** advisor: TPC-H scale factor, and whether to also analyze from pg_stat_statements alone. */
  scale: number;
  fromStatStatements?: boolean;
  /** capacity: the stack (--local in dataDir, or --pg), the workload, and the search's steps (absent: the engine's defaults). */
  local?: boolean;
  dataDir: string;
  /** cpu-path: where to write each window's profile. */
  profileDir?: string;
  workload?: string;
  poolSize?: number;
  /** capacity: false with --no-dedicated-core. */
  dedicatedCore: boolean;
}

const SUITES: Record<string, (options: BenchOptions) => Promise<BenchResult>> = {
  runner: (o) => runnerBench({ seconds: o.seconds, runs: o.runs }),
  seeding: (o) => seedingBench({ pgUrl: o.pg ?? SYSTEM_PG, chunks: o.chunks, runs: o.runs }),
  'cache-throughput': (o) => cacheThroughputBench({ runs: o.runs }),
  cache: (o) => {
    if (o.all)
      return cacheAllBench({ traces: o.trace ?? process.env.HOTPATH_TRACES ?? resolve('../shared/traces'), hashSeeds: o.hashSeeds });
    if (o.hashSeeds > 1) throw new Error('--hash-seeds works with bench cache --all only; drop it, or add --all.');
    if (!o.trace || !o.format)
      throw new Error('bench cache needs --trace FILE --format lirs|arc|cache2k|adaptsize, or --all (see the README for the traces).');
    return cacheTraceBench({ trace: o.trace, format: o.format, size: o.size, ...(o.json ? { json: true } : {}) });
  },
  // About 3 runs × 3 concurrencies × 4 clients × (seconds + 1) s: over two minutes, so not part of `all`.
  // Minutes by design (RSS over time), so never part of `all`.
  soak: (o) => soakBench({ pgUrl: o.pg ?? SYSTEM_PG, minutes: o.minutes, rate: o.rate }),
  // Seeds its own data (a scratch database with --pg, else a fresh local stack); a few minutes, so not part of `all`.
  planner: (o) => {
    const run = (pgUrl: string) => plannerBench({ pgUrl, chunks: o.chunks, warmup: o.warmup, queries: o.queries, reps: o.runs });
    return o.pg ? withScratchDatabase(o.pg, 'hotpath_bench_planner', run) : withLocalBenchStack(run);
  },
  // What read-only workload sessions cost: the guard vs a READ ONLY transaction per request; about a minute, so not part of `all`.
  'read-only': (o) => readOnlyGuardBench({ pgUrl: o.pg ?? SYSTEM_PG, runs: o.runs, seconds: o.seconds }),
  // The CLI's own start: needs `npm run build:cli` first, so not part of `all`.
  startup: async (o) => startupBench({ runs: o.runs }),
  // Loads TPC-H into its own database (minutes at scale 1, reused afterwards), so not part of `all`.
  advisor: (o) => advisorBench({ pgUrl: o.pg ?? SYSTEM_PG, scale: o.scale, ...(o.fromStatStatements ? { fromStatStatements: true } : {}) }),
  // Ramps the workload on the running stack until a success metric fails: 5 minutes a step by default, so not part of `all`.
  capacity: (o) =>
    capacityBench({
      ...(o.local ? { local: true } : {}),
      ...(o.pg === undefined ? {} : { pg: o.pg }),
      dataDir: o.dataDir,
      workload: o.workload ?? 'demo',
      ...(o.poolSize === undefined ? {} : { poolSize: o.poolSize }),
      dedicatedCore: o.dedicatedCore,
      ...(o.startRate === undefined ? {} : { startRate: o.startRate }),
      ...(o.step === undefined ? {} : { step: o.step }),
      ...(o.maxRate === undefined ? {} : { maxRate: o.maxRate }),
      ...(o.windowSeconds === undefined ? {} : { windowSeconds: o.windowSeconds }),
      ...(o.settleSeconds === undefined ? {} : { settleSeconds: o.settleSeconds }),
      ...(o.warmupMaxSeconds === undefined ? {} : { warmupMaxSeconds: o.warmupMaxSeconds }),
    }),
  // The engine thread's CPU per request by part of the path, profiled in this process: a minute or more, so not part of `all`.
  'cpu-path': (o) =>
    cpuPathBench({
      ...(o.local ? { local: true } : {}),
      ...(o.pg === undefined ? {} : { pg: o.pg }),
      dataDir: o.dataDir,
      rate: o.rate,
      seconds: o.seconds,
      runs: o.runs,
      ...(o.profileDir === undefined ? {} : { profileDir: o.profileDir }),
      ...(o.settleSeconds === undefined ? {} : { settleSeconds: o.settleSeconds }),
    }),
  pool: (o) =>
    o.pg
      ? poolBench({ pgUrl: o.pg, runs: o.runs, seconds: o.seconds })
      : withLocalBenchStack((pgUrl) => poolBench({ pgUrl, runs: o.runs, seconds: o.seconds })),
};

/** `all` runs every suite that needs no input file and is quick; `cache` replays the trace it is given; `pool` takes minutes. */
const ALL = ['runner', 'seeding', 'cache-throughput'];

/** `hotpath bench [suites...]`: runs the suites in order and prints each table as it finishes. */
export async function bench(requested: string[], options: BenchOptions): Promise<void> {
  const names = requested.includes('all') ? ALL : requested;
  const unknown = names.filter((name) => !(name in SUITES));
  if (unknown.length > 0) throw new Error(`Unknown benchmark suite ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}, all.`);
  const results: BenchResult[] = [];
  for (const name of names) {
    process.stderr.write(`Running the ${name} benchmark…\n`);
    const result = await SUITES[name]!(options);
    results.push(result);
    if (!options.json) process.stdout.write(`${formatBenchTable(result)}\n`);
  }
  if (!options.json) return;
  // One suite that defines its own JSON object (e.g. `pool`'s `{ qps: … }`) prints exactly that object.
  const own = results.length === 1 ? results[0]!.json : undefined;
  process.stdout.write(`${JSON.stringify(own ?? results, null, 2)}\n`);
}
