/**
 * What keeping the workload's sessions read-only costs: primary-key lookups as named prepared statements through
 * a read-only PoolManager, (a) with the default guard (the server reports a switch of
 * default_transaction_read_only; the pool reads one property per statement) and (b) with every request in its own
 * `BEGIN READ ONLY` … `COMMIT` (the fallback for servers before 14). Closed loop, C callers with one request in
 * flight each, pool size C; the two are interleaved and their order alternates per run; medians of runs.
 *
 * Run: npx tsx app/cli/bench/read-only-guard-bench.ts postgres://postgres@127.0.0.1:5432/postgres [runs] [seconds]
 */
import pg from 'pg';
import { PoolManager } from '../../../main/pool/index.ts';
import { median } from './bench-result.ts';
import { withScratchDatabase } from './scratch-database.ts';

const LOOKUP = { name: 'hotpath_bench_ro', text: 'SELECT v FROM lookup WHERE id = $1' };
const ROWS = 100_000;
const VARIANTS = { guard: false, transactions: true } as const;
type Variant = keyof typeof VARIANTS;

async function measure(url: string, variant: Variant, concurrency: number, seconds: number): Promise<number> {
  const pool = await PoolManager.open({
    connection: { connectionString: url }, readOnly: true, readOnlyTransactions: VARIANTS[variant],
    min: concurrency, max: concurrency, applicationName: 'hotpath-bench-read-only',
  });
  try {
    let done = 0;
    let measuring = false;
    const stopAt = performance.now() + 500 + seconds * 1000;
    const startAt = performance.now() + 500;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      for (let now = performance.now(); now < stopAt; now = performance.now()) {
        await pool.query('normal', { ...LOOKUP, values: [1 + Math.floor(Math.random() * ROWS)] });
        if (!measuring && now >= startAt) measuring = true;
        if (measuring) done += 1;
      }
    }));
    return done / seconds;
  } finally {
    await pool.close();
  }
}

export async function readOnlyGuardBench(serverUrl: string, runs: number, seconds: number, concurrencies = [1, 8]): Promise<Record<string, { guardQps: number; transactionsQps: number; ratio: number }>> {
  return withScratchDatabase(serverUrl, 'hotpath_bench_read_only', async (url) => {
    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    await setup.query(`CREATE TABLE lookup (id int PRIMARY KEY, v int NOT NULL); INSERT INTO lookup SELECT g, g FROM generate_series(1, ${ROWS}) g; ANALYZE lookup`);
    await setup.end();
    const out: Record<string, { guardQps: number; transactionsQps: number; ratio: number }> = {};
    for (const c of concurrencies) {
      const samples: Record<Variant, number[]> = { guard: [], transactions: [] };
      for (let run = 0; run < runs; run++) {
        const order: Variant[] = run % 2 === 0 ? ['guard', 'transactions'] : ['transactions', 'guard'];
        for (const variant of order) samples[variant].push(await measure(url, variant, c, seconds));
      }
      const guardQps = median(samples.guard);
      const transactionsQps = median(samples.transactions);
      out[`c${c}`] = { guardQps: Math.round(guardQps), transactionsQps: Math.round(transactionsQps), ratio: Number((transactionsQps / guardQps).toFixed(3)) };
    }
    return out;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [url = 'postgres://postgres@127.0.0.1:5432/postgres', runs = '5', seconds = '3'] = process.argv.slice(2);
  console.log(JSON.stringify(await readOnlyGuardBench(url, Number(runs), Number(seconds)), null, 2));
}
