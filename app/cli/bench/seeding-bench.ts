import pg from 'pg';
import type { BatchProcessorOptions } from '../../../main/batch/index.ts';
import { seedDemoData, type SeedReport } from '../../../main/demo/index.ts';
import { median, type BenchResult } from './bench-result.ts';
import { withScratchDatabase } from './scratch-database.ts';

interface Variant {
  name: string;
  batch: Partial<BatchProcessorOptions>;
}

/** The adaptive processor against the two fixed sizes people pick by hand: small and safe, large and fast. */
const VARIANTS: readonly Variant[] = [
  { name: 'adaptive (target 500 ms per batch)', batch: {} },
  { name: 'fixed 100 rows per batch', batch: { adaptive: false, initialBatchSize: 100 } },
  { name: 'fixed 5,000 rows per batch', batch: { adaptive: false, initialBatchSize: 5_000 } },
];

interface Measurement {
  rowsPerSecond: number;
  batches: number;
  lastChunkBatch: number;
}

function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`seedingBench: ${name} must be a positive integer; got ${value}.`);
}

/** Insert throughput only: schema checks, truncation and ANALYZE are the same for every variant. */
function measure(report: SeedReport): Measurement {
  const phases = report.phases;
  if (!phases) throw new Error('seedingBench: a forced seed was reused, which should not happen.');
  const elapsedMs = phases.chunks.elapsedMs + phases.edges.elapsedMs;
  return {
    rowsPerSecond: ((phases.chunks.rows + phases.edges.rows) * 1000) / elapsedMs,
    batches: phases.chunks.batches + phases.edges.batches,
    lastChunkBatch: phases.chunks.batchSizes.at(-2) ?? phases.chunks.batchSizes.at(-1) ?? 0,
  };
}

/**
 * Seeds the demo data into a scratch database created on the given server (and dropped after),
 * with the adaptive batch processor and with fixed batch sizes, `runs` times each, and reports
 * the median insert rate of each next to the adaptive one's.
 */
export async function seedingBench(options: { pgUrl: string; chunks: number; runs: number }): Promise<BenchResult> {
  requirePositiveInteger('chunks', options.chunks);
  requirePositiveInteger('runs', options.runs);
  const measured = new Map<string, Measurement[]>(VARIANTS.map((v) => [v.name, []]));
  let edges = 0;
  await withScratchDatabase(options.pgUrl, 'hotpath_bench_seeding', async (url) => {
    const pool = new pg.Pool({ connectionString: url, max: 4, application_name: 'hotpath-bench' });
    try {
      for (let run = 0; run < options.runs; run += 1) {
        // Rotate the order each run, so no variant always pays for a cold cache or a checkpoint.
        for (let k = 0; k < VARIANTS.length; k += 1) {
          const variant = VARIANTS[(run + k) % VARIANTS.length]!;
          const report = await seedDemoData(pool, { chunks: options.chunks, seed: 1, force: true, batch: variant.batch });
          edges = report.edges;
          measured.get(variant.name)!.push(measure(report));
        }
      }
    } finally {
      await pool.end();
    }
  });

  const medianOf = (name: string, pick: (m: Measurement) => number): number => median(measured.get(name)!.map(pick));
  const adaptiveRate = medianOf(VARIANTS[0]!.name, (m) => m.rowsPerSecond);
  return {
    suite: 'seeding',
    title: `Seeding the demo data (${options.chunks.toLocaleString('en')} chunks + ${edges.toLocaleString('en')} edges): adaptive vs fixed batch sizes`,
    columns: ['variant', 'rows/s (median)', 'vs adaptive', 'batches', 'chunk batch size at the end'],
    rows: VARIANTS.map((variant) => {
      const rate = medianOf(variant.name, (m) => m.rowsPerSecond);
      return {
        variant: variant.name,
        'rows/s (median)': Math.round(rate),
        'vs adaptive': `${(rate / adaptiveRate).toFixed(2)}x`,
        batches: Math.round(medianOf(variant.name, (m) => m.batches)),
        'chunk batch size at the end': Math.round(medianOf(variant.name, (m) => m.lastChunkBatch)),
      };
    }),
    command: `npm run bench -- seeding --chunks ${options.chunks} --runs ${options.runs}`,
    notes: [
      `median of ${options.runs} run(s) per variant, variants interleaved; rows/s counts chunk and edge inserts only (no schema work, no ANALYZE)`,
      'every variant: 2 batches in flight, one multi-row INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING per batch, into a scratch database dropped afterwards',
      'the adaptive variant starts at 100 rows and steers toward 500 ms per batch; its "at the end" size is the second-last chunk batch (the last is whatever rows were left)',
    ],
  };
}
