/**
 * Pool benchmark: primary-key lookups (pgbench's own `-S` query on `pgbench_accounts`) at several
 * concurrencies through seven clients of the same server in one run: our pool manager as configured by default
 * (named prepared statements, the workload's fast path, pipelined: see main/pool/pipelining.ts), the same pool
 * read-only as the workload's is (a query pipelined behind others in its own READ ONLY transaction), the pool
 * manager without pipelining (one query per connection at a time), pg's own pipeline mode on a few raw clients,
 * a raw pg.Pool with unnamed queries, a raw pg.Pool with named statements, and `pgbench -S -M prepared` (C, the
 * ceiling). Closed loop, C callers each with one request in flight, pool size C for every client but the read-only
 * pool, which has its default size (pgbench opens C connections). Clients are interleaved and their order rotates
 * per run; medians of runs are reported, and ratios are medians of each run's ratio against the peers of the same run.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { DEFAULT_PIPELINE_DEPTH, PoolManager } from '../../../main/pool/index.ts';
import { median, type BenchResult } from './bench-result.ts';
import { withScratchDatabase } from './scratch-database.ts';

const run = promisify(execFile);

export interface PoolBenchOptions {
  pgUrl: string;
  runs: number;
  /** Seconds measured per client and concurrency (after a 0.5 s warm-up). */
  seconds: number;
  concurrencies?: number[];
}

export const POOL_BENCH_CLIENTS = [
  'hotpath',
  'hotpathReadOnly',
  'hotpathNoPipeline',
  'pgPipeline',
  'pgPool',
  'pgPoolNamed',
  'pgbench',
] as const;
type Client = (typeof POOL_BENCH_CLIENTS)[number];

/** In-flight queries per raw pipelined pg.Client: the pool manager's default depth, so the two compare. */
const PIPELINE_DEPTH = DEFAULT_PIPELINE_DEPTH;
/** The goal: the pool manager, pipelined, at 0.75× pgbench -S -M prepared with 32 callers. */
const PIPELINED_GOAL = { concurrency: '32', ratio: 0.75 };

export interface PoolBenchJson {
  qps: Record<Client, Record<string, number>>;
  ratios: Record<
    | 'hotpathVsPgPool'
    | 'hotpathVsPgPoolNamed'
    | 'hotpathVsPgbench'
    | 'hotpathReadOnlyVsPgbench'
    | 'hotpathNoPipelineVsPgbench'
    | 'pgPipelineVsPgbench',
    Record<string, number>
  >;
  goals: { atLeastPgPool: boolean; within10PercentOfPgPoolNamed: boolean; pipelinedAtLeast075OfPgbenchAt32?: boolean };
  /** The pool manager pipelined (its default) against pgbench at 32 callers, the measure; absent without c=32. */
  pipelining: {
    depth: number;
    hotpathVsPgbenchAt32?: number;
    hotpathReadOnlyVsPgbenchAt32?: number;
    hotpathNoPipelineVsPgbenchAt32?: number;
    goal: number;
  };
  /** CPU time of this Node process per query (µs, medians): steadier than q/s on a shared machine. */
  clientCpuUsPerQuery: Record<Exclude<Client, 'pgbench'>, Record<string, number>>;
  runs: number;
  seconds: number;
}

/** A `BenchResult` that also carries the suite's own JSON object (printed alone for `bench pool --json`). */
export interface PoolBenchResult extends BenchResult {
  json: PoolBenchJson;
}

const SCALE = 1; // 100,000 accounts: the whole table is in shared_buffers, as in the field notes' measurements
const ROWS = 100_000 * SCALE;
const LOOKUP = { name: 'hotpath_bench_pk', text: 'SELECT abalance FROM pgbench_accounts WHERE aid = $1' };
const WARMUP_MS = 500;

export async function poolBench(options: PoolBenchOptions): Promise<PoolBenchResult> {
  const concurrencies = options.concurrencies ?? [1, 4, 32];
  const empty = (): Record<Client, Record<string, number[]>> =>
    Object.fromEntries(POOL_BENCH_CLIENTS.map((client) => [client, {}])) as Record<Client, Record<string, number[]>>;
  const samples = empty();
  const cpu = empty();
  // The scratch database is dropped only after every pool below is closed and its sessions have left.
  await withScratchDatabase(options.pgUrl, 'hotpath_bench_pool', async (dbUrl) => {
    const url = new URL(dbUrl);
    const database = decodeURIComponent(url.pathname.slice(1));
    const env = pgEnv(url);
    await run('pgbench', ['-i', '-q', '-s', String(SCALE), database], { env });
    // One discarded pass of every client first: whoever went first would otherwise also pay for JIT warm-up.
    for (const client of POOL_BENCH_CLIENTS) await measure(client, dbUrl, env, database, 4, 1);
    for (let r = 0; r < options.runs; r++) {
      for (const c of concurrencies) {
        // Rotate the order per run so no client always goes first (warm caches, CPU boost) or last.
        const order = POOL_BENCH_CLIENTS.map((_, i) => POOL_BENCH_CLIENTS[(i + r) % POOL_BENCH_CLIENTS.length]!);
        for (const client of order) {
          const { qps, cpuUsPerQuery } = await measure(client, dbUrl, env, database, c, options.seconds);
          (samples[client][String(c)] ??= []).push(qps);
          if (cpuUsPerQuery !== undefined) (cpu[client][String(c)] ??= []).push(cpuUsPerQuery);
          process.stderr.write(`  run ${r + 1}/${options.runs} c=${c} ${client}: ${Math.round(qps).toLocaleString('en')} q/s\n`);
        }
      }
    }
  });
  return report(samples, cpu, concurrencies, options);
}

/**
 * A raw pg.Pool for the peers. pg-pool re-emits an error of an idle client on the pool, and keeps doing so for
 * a client it is ending: a session the server terminates then (DROP DATABASE … WITH (FORCE), a restart, an
 * administrator) would be an unhandled 'error' that ends the process. The session is gone either way; the
 * measurement that used it is already over, so the error is only noted.
 */
export function openBenchPgPool(
  dbUrl: string,
  size: number,
  applicationName = 'hotpath-bench-pgpool',
): pg.Pool & { sessionErrors: string[] } {
  const pool = Object.assign(
    new pg.Pool({ connectionString: dbUrl, max: size, connectionTimeoutMillis: 60_000, application_name: applicationName }),
    { sessionErrors: [] as string[] },
  );
  pool.on('error', (error) => void pool.sessionErrors.push(error.message));
  return pool;
}

function pgEnv(url: URL): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PGHOST: url.hostname,
    PGPORT: url.port || '5432',
    PGUSER: decodeURIComponent(url.username || 'postgres'),
    ...(url.password ? { PGPASSWORD: decodeURIComponent(url.password) } : {}),
  };
}

async function measure(
  client: Client,
  dbUrl: string,
  env: NodeJS.ProcessEnv,
  database: string,
  c: number,
  seconds: number,
): Promise<{ qps: number; cpuUsPerQuery?: number }> {
  if (client === 'pgbench') {
    const { stdout } = await run(
      'pgbench',
      [
        '-S',
        '-M',
        'prepared',
        '-n',
        '-c',
        String(c),
        '-j',
        String(Math.min(c, 2)),
        '-T',
        String(Math.max(1, Math.round(seconds))),
        database,
      ],
      { env },
    );
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout);
    if (!tps) throw new Error(`pgbench printed no tps: ${stdout.slice(-500)}`);
    return { qps: Number(tps[1]) };
  }
  if (client === 'hotpath' || client === 'hotpathReadOnly' || client === 'hotpathNoPipeline') {
    // Live-traffic lane (high): the lane the console's own lookups use; it may use the whole pool.
    // The read-only pool as the workload runs it: its default size (cores × 2 + 1), so callers beyond that join.
    const size = client === 'hotpathReadOnly' ? { readOnly: true } : { min: c, max: c };
    const pool = await PoolManager.open({
      connection: { connectionString: dbUrl },
      ...size,
      acquireTimeoutMs: 60_000,
      applicationName: 'hotpath-bench-pool',
      ...(client === 'hotpathNoPipeline' ? { pipelineDepth: 1 } : {}),
    });
    try {
      return await closedLoop(c, seconds, (aid) => pool.query('high', { ...LOOKUP, values: [aid] }));
    } finally {
      await pool.close();
    }
  }
  if (client === 'pgPipeline') return pgPipelined(dbUrl, c, seconds);
  const pool = openBenchPgPool(dbUrl, c);
  try {
    return client === 'pgPoolNamed'
      ? await closedLoop(c, seconds, (aid) => pool.query({ ...LOOKUP, values: [aid] }))
      : await closedLoop(c, seconds, (aid) => pool.query(LOOKUP.text, [aid]));
  } finally {
    await pool.end();
  }
}

/**
 * pg's own pipeline mode (`new pg.Client({ pipeline: true })`) as it ships, with no pool: ⌈C ÷ 16⌉ clients, each
 * lookup sent on the one with the fewest in flight. What pipelining alone gives, beside the pool manager's.
 */
async function pgPipelined(dbUrl: string, c: number, seconds: number): Promise<{ qps: number; cpuUsPerQuery: number }> {
  const clients = Array.from({ length: Math.ceil(c / PIPELINE_DEPTH) }, () => {
    const client = new pg.Client({ connectionString: dbUrl, pipeline: true, application_name: 'hotpath-bench-pg-pipeline' });
    client.on('error', () => undefined); // a session ended by the scratch database's forced drop, after the measurement
    return { client, inFlight: 0 };
  });
  await Promise.all(clients.map(({ client }) => client.connect()));
  try {
    return await closedLoop(c, seconds, async (aid) => {
      let least = clients[0]!;
      for (const peer of clients) if (peer.inFlight < least.inFlight) least = peer;
      least.inFlight += 1;
      try {
        return await least.client.query({ ...LOOKUP, values: [aid] });
      } finally {
        least.inFlight -= 1;
      }
    });
  } finally {
    await Promise.all(clients.map(({ client }) => client.end()));
  }
}

/** C callers, each sending the next lookup when the previous one returns; counts completions after a warm-up. */
async function closedLoop(
  c: number,
  seconds: number,
  call: (aid: number) => Promise<unknown>,
): Promise<{ qps: number; cpuUsPerQuery: number }> {
  let completed = 0;
  let running = true;
  const worker = async (): Promise<void> => {
    while (running) {
      await call(1 + Math.floor(Math.random() * ROWS));
      completed += 1;
    }
  };
  const workers = Array.from({ length: c }, worker);
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
  const startCount = completed;
  const startCpu = process.cpuUsage();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const count = completed - startCount;
  const elapsed = performance.now() - started;
  const used = process.cpuUsage(startCpu);
  running = false;
  await Promise.all(workers);
  return { qps: (count / elapsed) * 1000, cpuUsPerQuery: (used.user + used.system) / Math.max(1, count) };
}

function report(
  samples: Record<Client, Record<string, number[]>>,
  cpu: Record<Client, Record<string, number[]>>,
  concurrencies: number[],
  options: PoolBenchOptions,
): PoolBenchResult {
  const qps = Object.fromEntries(
    POOL_BENCH_CLIENTS.map((client) => [
      client,
      Object.fromEntries(concurrencies.map((c) => [String(c), Math.round(median(samples[client][String(c)]!))])),
    ]),
  ) as PoolBenchJson['qps'];
  // Each run's ratio is taken between clients measured minutes apart at most, so the median of those pairs cancels
  // what other work on the machine did to both (pgbench alone swung 15k–31k q/s between runs at load 11).
  const ratio = (client: Client, peer: Client) =>
    Object.fromEntries(
      concurrencies.map((c) => {
        const mine = samples[client][String(c)]!;
        const theirs = samples[peer][String(c)]!;
        return [String(c), round(median(mine.map((q, run) => q / theirs[run]!)))];
      }),
    );
  const ratios = {
    hotpathVsPgPool: ratio('hotpath', 'pgPool'),
    hotpathVsPgPoolNamed: ratio('hotpath', 'pgPoolNamed'),
    hotpathVsPgbench: ratio('hotpath', 'pgbench'),
    hotpathReadOnlyVsPgbench: ratio('hotpathReadOnly', 'pgbench'),
    hotpathNoPipelineVsPgbench: ratio('hotpathNoPipeline', 'pgbench'),
    pgPipelineVsPgbench: ratio('pgPipeline', 'pgbench'),
  };
  const cpuOf = (client: Exclude<Client, 'pgbench'>) =>
    Object.fromEntries(concurrencies.map((c) => [String(c), round(median(cpu[client][String(c)]!))]));
  const clientCpuUsPerQuery = {
    hotpath: cpuOf('hotpath'),
    hotpathReadOnly: cpuOf('hotpathReadOnly'),
    hotpathNoPipeline: cpuOf('hotpathNoPipeline'),
    pgPipeline: cpuOf('pgPipeline'),
    pgPool: cpuOf('pgPool'),
    pgPoolNamed: cpuOf('pgPoolNamed'),
  };
  const at32 = ratios.hotpathVsPgbench[PIPELINED_GOAL.concurrency];
  const pipelining = {
    depth: PIPELINE_DEPTH,
    ...(at32 === undefined
      ? {}
      : {
          hotpathVsPgbenchAt32: at32,
          hotpathReadOnlyVsPgbenchAt32: ratios.hotpathReadOnlyVsPgbench[PIPELINED_GOAL.concurrency]!,
          hotpathNoPipelineVsPgbenchAt32: ratios.hotpathNoPipelineVsPgbench[PIPELINED_GOAL.concurrency]!,
        }),
    goal: PIPELINED_GOAL.ratio,
  };
  const goals = {
    atLeastPgPool: Object.values(ratios.hotpathVsPgPool).every((r) => r >= 1),
    within10PercentOfPgPoolNamed: Object.values(ratios.hotpathVsPgPoolNamed).every((r) => r >= 0.9),
    ...(at32 === undefined ? {} : { pipelinedAtLeast075OfPgbenchAt32: at32 >= PIPELINED_GOAL.ratio }),
  };
  return {
    suite: 'pool',
    title: 'Pool manager: primary-key lookups per second (medians of runs)',
    columns: [
      'concurrency',
      'hotpath q/s',
      'read-only q/s',
      'unpipelined q/s',
      'pg pipeline q/s',
      'pg.Pool q/s',
      'pg.Pool named q/s',
      'pgbench -M prepared q/s',
      'vs pg.Pool',
      'vs pg.Pool named',
      'vs pgbench',
      'read-only vs pgbench',
      'unpipelined vs pgbench',
      'pg pipeline vs pgbench',
      'hotpath CPU µs/q',
      'read-only CPU µs/q',
      'unpipelined CPU µs/q',
      'pg pipeline CPU µs/q',
      'pg.Pool named CPU µs/q',
    ],
    rows: concurrencies.map((c) => {
      const k = String(c);
      return {
        concurrency: c,
        'hotpath q/s': qps.hotpath[k]!,
        'read-only q/s': qps.hotpathReadOnly[k]!,
        'unpipelined q/s': qps.hotpathNoPipeline[k]!,
        'pg pipeline q/s': qps.pgPipeline[k]!,
        'pg.Pool q/s': qps.pgPool[k]!,
        'pg.Pool named q/s': qps.pgPoolNamed[k]!,
        'pgbench -M prepared q/s': qps.pgbench[k]!,
        'vs pg.Pool': ratios.hotpathVsPgPool[k]!,
        'vs pg.Pool named': ratios.hotpathVsPgPoolNamed[k]!,
        'vs pgbench': ratios.hotpathVsPgbench[k]!,
        'read-only vs pgbench': ratios.hotpathReadOnlyVsPgbench[k]!,
        'unpipelined vs pgbench': ratios.hotpathNoPipelineVsPgbench[k]!,
        'pg pipeline vs pgbench': ratios.pgPipelineVsPgbench[k]!,
        'hotpath CPU µs/q': clientCpuUsPerQuery.hotpath[k]!,
        'read-only CPU µs/q': clientCpuUsPerQuery.hotpathReadOnly[k]!,
        'unpipelined CPU µs/q': clientCpuUsPerQuery.hotpathNoPipeline[k]!,
        'pg pipeline CPU µs/q': clientCpuUsPerQuery.pgPipeline[k]!,
        'pg.Pool named CPU µs/q': clientCpuUsPerQuery.pgPoolNamed[k]!,
      };
    }),
    command: `npm run bench -- pool --pg ${redact(options.pgUrl)} --runs ${options.runs} --seconds ${options.seconds}`,
    notes: [
      `Goals: ≥ 1.0× pg.Pool (unnamed): ${goals.atLeastPgPool ? 'met' : 'NOT met'}; ≥ 0.9× pg.Pool with named statements: ${goals.within10PercentOfPgPoolNamed ? 'met' : 'NOT met'}.`,
      ...(at32 === undefined
        ? []
        : [
            `Pipelined, at 32 callers: hotpath ${at32}× pgbench -S -M prepared (goal ${PIPELINED_GOAL.ratio}×: ${goals.pipelinedAtLeast075OfPgbenchAt32 ? 'met' : 'NOT met'}); read-only (the workload's pool) ${pipelining.hotpathReadOnlyVsPgbenchAt32}×; unpipelined ${pipelining.hotpathNoPipelineVsPgbenchAt32}×.`,
          ]),
      `Every client has C callers in flight. hotpath (lane high, named prepared statements) runs with its defaults: pipelined, up to ${PIPELINE_DEPTH} queries in flight per connection, spread over the cores first; read-only is the pool as the workload runs it: readOnly, at its default size (cores × 2 + 1 connections), the callers beyond that joining a busy connection, each such query in its own READ ONLY transaction, its BEGIN and COMMIT sent with it; unpipelined is the same pool with pipelineDepth 1 (one connection per query in flight); pg pipeline is ⌈C÷${PIPELINE_DEPTH}⌉ raw pg.Clients in pg's pipeline mode. The other pools may open C connections; pgbench runs -S -M prepared -c C -j min(C,2) on the same server and table.`,
      "Node clients share the 2 cores with the server; pgbench is C and the ceiling. CPU µs/q is this Node process's CPU per query (client overhead), steadier than q/s when other work shares the machine. Ratios are medians of each run's ratio (peers measured in the same run).",
    ],
    json: { qps, ratios, goals, pipelining, clientCpuUsPerQuery, runs: options.runs, seconds: options.seconds },
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
