import { runnerBench } from '../bench/runner-bench.ts';
import { seedingBench } from '../bench/seeding-bench.ts';
import type { BenchResult } from '../bench/bench-result.ts';
import { formatBenchTable } from '../bench/print-bench.ts';

export interface BenchOptions {
  json?: boolean;
  pg: string;
  chunks: number;
  runs: number;
  seconds: number;
}

const SUITES: Record<string, (options: BenchOptions) => Promise<BenchResult>> = {
  runner: (o) => runnerBench({ seconds: o.seconds, runs: o.runs }),
  seeding: (o) => seedingBench({ pgUrl: o.pg, chunks: o.chunks, runs: o.runs }),
};

/** `hotpath bench [suites...]`: runs the suites in order and prints each table as it finishes. */
export async function bench(requested: string[], options: BenchOptions): Promise<void> {
  const names = requested.includes('all') ? Object.keys(SUITES) : requested;
  const unknown = names.filter((name) => !(name in SUITES));
  if (unknown.length > 0) throw new Error(`Unknown benchmark suite ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}, all.`);
  const results: BenchResult[] = [];
  for (const name of names) {
    process.stderr.write(`Running the ${name} benchmark…\n`);
    const result = await SUITES[name]!(options);
    results.push(result);
    if (!options.json) process.stdout.write(`${formatBenchTable(result)}\n`);
  }
  if (options.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}
