/**
 * What the engine's resident memory is made of, at rest and under the demo workload: the engine runs in this
 * process on a scratch database (seeded with the demo data, dropped afterwards) and every 10 s prints RSS, the
 * V8 heap of the engine's thread, external and array-buffer memory, resident anonymous and file pages, the thread
 * count, the pressure level and the L1, plus the memory manager's log lines. A measurement, not a test:
 *
 *   PG=postgres://postgres@127.0.0.1:5432/postgres REDIS=redis://127.0.0.1:6379 CHUNKS=50000 RATE=1000 SECONDS=90 \
 *     BUDGET_MIB=400 node --expose-gc --import tsx tools/memory-composition.ts
 *
 * External memory counts WebAssembly memories at their reserved size (the SQL parser reserves far more than it
 * touches); RSS counts only touched pages. Worker threads (the plan selector, its trainer) have their own V8 heaps,
 * which process.memoryUsage() does not report: they are in RSS only.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withScratchDatabase } from '../app/cli/bench/scratch-database.ts';
import { Engine } from '../main/engine/index.ts';

const MiB = 1024 * 1024;
const chunks = Number(process.env.CHUNKS ?? 50_000);
const rate = Number(process.env.RATE ?? 1000);
const seconds = Number(process.env.SECONDS ?? 90);
const budgetBytes = Number(process.env.BUDGET_MIB ?? 400) * MiB;
const pgUrl = process.env.PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.REDIS;
const gc = (globalThis as { gc?: () => void }).gc;

async function residentPages(): Promise<{ anon: number; file: number; threads: number }> {
  const text = await readFile('/proc/self/status', 'utf8').catch(() => '');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return { anon: field('RssAnon') * 1024, file: field('RssFile') * 1024, threads: field('Threads') };
}

async function sample(label: string, engine: Engine): Promise<void> {
  const u = process.memoryUsage();
  const pages = await residentPages();
  const m = (bytes: number): string => (bytes / MiB).toFixed(1);
  let state = '';
  try {
    const memory = await engine.call('memory.status', {});
    const cache = await engine.call('cache.status', {});
    state = ` level=${memory.level} L1=${cache.l1 ? `${m(cache.l1.bytes)}/${m(cache.l1.maxBytes)}` : '-'}`;
  } catch {
    // Not connected yet: no cache to report.
  }
  process.stdout.write(
    `${label.padEnd(14)} rss=${m(u.rss)} heapTotal=${m(u.heapTotal)} heapUsed=${m(u.heapUsed)} external=${m(u.external)} ` +
      `arrayBuffers=${m(u.arrayBuffers)} rssAnon=${m(pages.anon)} rssFile=${m(pages.file)} threads=${pages.threads}${state}\n`,
  );
}

const dataDir = await mkdtemp(join(tmpdir(), 'hotpath-memory-composition-'));
const engine = new Engine({ dataDir, memoryBudgetBytes: budgetBytes });
engine.subscribe('engine.log', (entry) => {
  if (entry.message.startsWith('memory:')) process.stdout.write(`  log: ${entry.message}\n`);
});
try {
  await sample('bare engine', engine);
  await withScratchDatabase(pgUrl, 'hotpath_memory_composition', async (url) => {
    await engine.call('stack.connect', redisUrl ? { pgUrl: url, redisUrl } : { pgUrl: url });
    await sample('connected', engine);
    await engine.call('demo.seed', { chunks });
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await sample('seeded, rest', engine);
    await engine.call('workload.start', { profile: 'demo', rate });
    const started = Date.now();
    while (Date.now() - started < seconds * 1000) {
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      await sample(`load ${Math.round((Date.now() - started) / 1000)} s`, engine);
    }
    await engine.call('workload.stop', {});
    await engine.stop();
  });
} finally {
  await engine.stop();
  await rm(dataDir, { recursive: true, force: true });
}
