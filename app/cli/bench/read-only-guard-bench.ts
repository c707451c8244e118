/**
 * What keeping the workload's sessions read-only costs: primary-key lookups as named prepared statements through
 * a read-only PoolManager, (a) with the default guard (the server reports a switch of
 * default_transaction_read_only; the pool reads one property per statement) and (b) with every request in its own
 * `BEGIN READ ONLY` … `COMMIT` (the fallback for servers before 14, and `readOnlyTransactions`). Closed loop, C
 * callers with one request in flight each, pool size C; the two are interleaved and their order alternates per run;
 * medians of runs, and the ratio of the two measured in the same run. Everything runs in a scratch database that is
 * dropped afterwards.
 */
import pg from 'pg';
import { PoolManager } from '../../../main/pool/index.ts';
import { maskConnectionString } from '../../../main/stack/index.ts';
import { median, type BenchResult } from './bench-result.ts';
import { withScratchDatabase } from './scratch-database.ts';

export interface ReadOnlyGuardBenchOptions {
  pgUrl: string;
  runs: number;
  /** Seconds measured per variant and concurrency (after a warm-up). */
  seconds: number;
  concurrencies?: number[];
}

export const READ_ONLY_VARIANTS = ['guard', 'transactions'] as const;
type Variant = (typeof READ_ONLY_VARIANTS)[number];
const READ_ONLY_TRANSACTIONS: Record<Variant, boolean> = { guard: false, transactions: true };

export interface ReadOnlyGuardBenchJson {
  /** Lookups per second (medians of runs) per variant and concurrency. */
  qps: Record<Variant, Record<string, number>>;
  /** transactions ÷ guard per concurrency: the share of the guard's throughput a transaction per request keeps. */
  transactionsVsGuard: Record<string, number>;
  serverVersion: number;
  runs: number;
  seconds: number;
}

export interface ReadOnlyGuardBenchResult extends BenchResult {
  json: ReadOnlyGuardBenchJson;
}

const LOOKUP = { name: 'hotpath_bench_ro', text: 'SELECT v FROM lookup WHERE id = $1' };
const ROWS = 100_000;
const WARMUP_MS = 500;

export async function readOnlyGuardBench(options: ReadOnlyGuardBenchOptions): Promise<ReadOnlyGuardBenchResult> {
  const concurrencies = options.concurrencies ?? [1, 8];
  const samples: Record<Variant, Record<string, number[]>> = { guard: {}, transactions: {} };
  let serverVersion = 0;
  await withScratchDatabase(options.pgUrl, 'hotpath_bench_read_only', async (url) => {
    serverVersion = await createLookupTable(url);
    // One discarded pass of each variant: whichever went first would otherwise also pay for warming up.
    for (const variant of READ_ONLY_VARIANTS) await measure(url, variant, 2, 0.5);
    for (let run = 0; run < options.runs; run++) {
      for (const c of concurrencies) {
        const order: Variant[] = run % 2 === 0 ? ['guard', 'transactions'] : ['transactions', 'guard'];
        for (const variant of order) {
          const qps = await measure(url, variant, c, options.seconds);
          (samples[variant][String(c)] ??= []).push(qps);
          process.stderr.write(`  run ${run + 1}/${options.runs} c=${c} ${variant}: ${Math.round(qps).toLocaleString('en')} q/s\n`);
        }
      }
    }
  });
  return report(samples, concurrencies, serverVersion, options);
}

/** The table the lookups read; returns the server's version number. */
async function createLookupTable(url: string): Promise<number> {
  const setup = new pg.Client({ connectionString: url });
  setup.on('error', () => undefined);
  await setup.connect();
  try {
    await setup.query(
      `CREATE TABLE lookup (id int PRIMARY KEY, v int NOT NULL); INSERT INTO lookup SELECT g, g FROM generate_series(1, ${ROWS}) g; ANALYZE lookup`,
    );
    const { rows } = await setup.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
    return Number(rows[0]!.v);
  } finally {
    await setup.end().catch(() => undefined);
  }
}

/** C callers, each sending the next lookup when the previous one returns; completions per second after a warm-up. */
async function measure(url: string, variant: Variant, concurrency: number, seconds: number): Promise<number> {
  const pool = await PoolManager.open({
    connection: { connectionString: url },
    readOnly: true,
    readOnlyTransactions: READ_ONLY_TRANSACTIONS[variant],
    min: concurrency,
    max: concurrency,
    acquireTimeoutMs: 60_000,
    applicationName: 'hotpath-bench-read-only',
  });
  try {
    let completed = 0;
    let running = true;
    const caller = async (): Promise<void> => {
      while (running) {
        await pool.query('normal', { ...LOOKUP, values: [1 + Math.floor(Math.random() * ROWS)] });
        completed += 1;
      }
    };
    const callers = Array.from({ length: concurrency }, caller);
    await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
    const startCount = completed;
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const count = completed - startCount;
    const elapsed = performance.now() - started;
    running = false;
    await Promise.all(callers);
    return (count / elapsed) * 1000;
  } finally {
    await pool.close();
  }
}

function report(
  samples: Record<Variant, Record<string, number[]>>,
  concurrencies: number[],
  serverVersion: number,
  options: ReadOnlyGuardBenchOptions,
): ReadOnlyGuardBenchResult {
  const qps = Object.fromEntries(
    READ_ONLY_VARIANTS.map((variant) => [
      variant,
      Object.fromEntries(concurrencies.map((c) => [String(c), Math.round(median(samples[variant][String(c)]!))])),
    ]),
  ) as ReadOnlyGuardBenchJson['qps'];
  const transactionsVsGuard = Object.fromEntries(
    concurrencies.map((c) => [String(c), Math.round((qps.transactions[String(c)]! / Math.max(1, qps.guard[String(c)]!)) * 1000) / 1000]),
  );
  const notes = [
    'Both variants: a read-only PoolManager (sessions start with default_transaction_read_only on), named prepared statements, C connections and C callers in flight.',
    'guard: a statement that changes a setting the server reports fails with pool-session-changed; transactions: every request in its own BEGIN READ ONLY … COMMIT.',
    `Server version ${serverVersion}.${serverVersion > 0 && serverVersion < 140000 ? ' Before PostgreSQL 14 the pool always uses transactions, so both variants measure the same thing here.' : ''}`,
  ];
  return {
    suite: 'read-only',
    title: 'Read-only workload sessions: primary-key lookups per second, guard vs a READ ONLY transaction per request (medians of runs)',
    columns: ['concurrency', 'guard q/s', 'BEGIN READ ONLY q/s', 'transactions vs guard'],
    rows: concurrencies.map((c) => ({
      concurrency: c,
      'guard q/s': qps.guard[String(c)]!,
      'BEGIN READ ONLY q/s': qps.transactions[String(c)]!,
      'transactions vs guard': transactionsVsGuard[String(c)]!,
    })),
    command: `npm run bench -- read-only --pg ${maskConnectionString(options.pgUrl)} --runs ${options.runs} --seconds ${options.seconds}`,
    notes,
    json: { qps, transactionsVsGuard, serverVersion, runs: options.runs, seconds: options.seconds },
  };
}
