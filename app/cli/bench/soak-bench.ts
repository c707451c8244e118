import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../../main/engine/index.ts';
import { loadDemoProfile } from '../../../main/workload/index.ts';
import type { BenchResult } from './bench-result.ts';
import { withScratchDatabase } from './scratch-database.ts';

const MiB = 1024 * 1024;
const SAMPLE_MS = 5_000;
/** The demo seed the soak runs on: enough rows that the cache sees many distinct keys. */
const SEED_CHUNKS = 50_000;
/** Slopes within ±max(2 MiB, 1% of the mean RSS) per minute count as flat: below that is GC timing, not a leak. */
const FLAT_MIB_PER_MINUTE = 2;
const FLAT_SHARE_PER_MINUTE = 0.01;
/**
 * The engine's bounded structures fill before RSS can level off: the L1 grows until its first entries expire (the
 * demo profile's longest cache TTL) or it reaches its budget, the telemetry history holds 15 minutes of snapshots,
 * and the hot-key table grows toward its cap. Warm-up defaults to 10 minutes (or half of a shorter run, whose
 * verdict then only says what the first minutes did); the report says which fills the warm-up did not cover.
 */
const DEFAULT_WARMUP_MINUTES = 10;
const TELEMETRY_HISTORY_MINUTES = 15;

export interface MemorySample {
  /** Seconds since the workload started. */
  t: number;
  rssMiB: number;
  heapUsedMiB: number;
}

export type SoakVerdict = 'flat' | 'growing' | 'falling';

/** Least-squares slope of y over x. */
export function leastSquaresSlope(points: readonly { x: number; y: number }[]): number {
  if (points.length < 2) throw new Error('a slope needs at least 2 points');
  const n = points.length;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (const p of points) {
    numerator += (p.x - meanX) * (p.y - meanY);
    denominator += (p.x - meanX) ** 2;
  }
  return denominator === 0 ? 0 : numerator / denominator;
}

/** The verdict on RSS after warm-up: slope in MiB per minute against the tolerance stated above. */
export function soakVerdict(afterWarmup: readonly MemorySample[]): {
  slopeMiBPerMinute: number;
  toleranceMiBPerMinute: number;
  verdict: SoakVerdict;
} {
  const slopeMiBPerMinute = leastSquaresSlope(afterWarmup.map((s) => ({ x: s.t / 60, y: s.rssMiB })));
  const meanRss = afterWarmup.reduce((sum, s) => sum + s.rssMiB, 0) / afterWarmup.length;
  const toleranceMiBPerMinute = Math.max(FLAT_MIB_PER_MINUTE, FLAT_SHARE_PER_MINUTE * meanRss);
  const verdict = slopeMiBPerMinute > toleranceMiBPerMinute ? 'growing' : slopeMiBPerMinute < -toleranceMiBPerMinute ? 'falling' : 'flat';
  return { slopeMiBPerMinute, toleranceMiBPerMinute, verdict };
}

function memorySample(startedAt: number): MemorySample {
  const usage = process.memoryUsage();
  return { t: (Date.now() - startedAt) / 1000, rssMiB: usage.rss / MiB, heapUsedMiB: usage.heapUsed / MiB };
}

const mib = (value: number) => Math.round(value * 10) / 10;

/**
 * Runs the demo workload with the cache on (L1 in memory, L3 in a scratch folder) for `minutes` at `rate`
 * requests per second, in this process, against a scratch database seeded with the demo data (created on
 * the given server and dropped after), and samples this process's RSS and heap every 5 s. Reports RSS at
 * the start, after warm-up (see DEFAULT_WARMUP_MINUTES) and at the end, and the least-squares slope after
 * warm-up: "flat" when within the stated tolerance.
 */
export async function soakBench(options: { pgUrl: string; minutes: number; rate: number; warmupMinutes?: number }): Promise<BenchResult> {
  if (!(options.minutes > 0)) throw new RangeError(`soakBench: minutes must be > 0; got ${options.minutes}.`);
  if (!(options.rate > 0)) throw new RangeError(`soakBench: rate must be > 0; got ${options.rate}.`);
  const durationMs = options.minutes * 60_000;
  const warmupMs = (options.warmupMinutes ?? Math.min(DEFAULT_WARMUP_MINUTES, options.minutes / 2)) * 60_000;
  if (!(warmupMs >= 0 && warmupMs < durationMs))
    throw new RangeError(`soakBench: warmupMinutes must be ≥ 0 and shorter than the run; got ${options.warmupMinutes}.`);
  // Read before the run, not after: a profile edited during a 40-minute soak must not fail its report.
  const coverage = await warmupCoverage(warmupMs);
  const dataDir = await mkdtemp(join(tmpdir(), 'hotpath-soak-'));
  const samples: MemorySample[] = [];
  const totals = { ok: 0, errors: 0, shed: 0, cacheRequests: 0, cacheHits: 0 };
  let gc: (() => void) | undefined;
  let l1 = { bytes: 0, maxBytes: 0, entries: 0 };
  try {
    await withScratchDatabase(options.pgUrl, 'hotpath_soak', async (pgUrl) => {
      const engine = new Engine({ dataDir });
      try {
        await engine.call('stack.connect', { pgUrl });
        await engine.call('demo.seed', { chunks: SEED_CHUNKS });
        const unsubscribe = engine.subscribe('telemetry.snapshot', (snapshot) => {
          const all = snapshot.workload?.templates.find((t) => t.template === 'all');
          if (all) {
            totals.ok += all.count;
            totals.errors += all.errors;
            totals.shed += all.shed;
          }
          totals.cacheRequests += snapshot.cache?.requests ?? 0;
          totals.cacheHits += snapshot.cache?.hits ?? 0;
        });
        // Seeding leaves garbage that V8 gives back at a time of its choosing; with --expose-gc it goes now, so
        // the first sample is a clean baseline instead of a peak the slope would then read as "falling".
        gc = (globalThis as { gc?: () => void }).gc;
        gc?.();
        const startedAt = Date.now();
        samples.push(memorySample(startedAt));
        await engine.call('workload.start', { profile: 'demo', rate: options.rate });
        while (Date.now() - startedAt < durationMs) {
          await new Promise((resolve) => setTimeout(resolve, Math.min(SAMPLE_MS, durationMs - (Date.now() - startedAt))));
          samples.push(memorySample(startedAt));
        }
        const status = await engine.call('cache.status', {});
        if (status.l1) l1 = status.l1;
        await engine.call('workload.stop', {});
        unsubscribe();
      } finally {
        await engine.stop();
      }
    });
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }

  const afterWarmup = samples.filter((s) => s.t * 1000 >= warmupMs);
  if (afterWarmup.length < 2)
    throw new Error(`soakBench: the run is too short for a slope after the ${warmupMs / 1000} s warm-up; run for longer.`);
  const { slopeMiBPerMinute, toleranceMiBPerMinute, verdict } = soakVerdict(afterWarmup);
  const first = samples[0]!;
  const warm = afterWarmup[0]!;
  const last = samples.at(-1)!;
  const rssAfter = afterWarmup.map((s) => s.rssMiB);
  const perMinute = samples.filter((s, i) => i === 0 || Math.floor(s.t / 60) !== Math.floor(samples[i - 1]!.t / 60) || s === last);
  return {
    suite: 'soak',
    title: `Soak: the demo workload at ${options.rate} req/s with the cache on for ${options.minutes} min — RSS ${verdict === 'growing' ? 'growing' : `${verdict} (not growing)`}`,
    columns: ['measure', 'value'],
    rows: [
      { measure: 'RSS at start (MiB)', value: mib(first.rssMiB) },
      { measure: `RSS after warm-up, at ${Math.round(warm.t)} s (MiB)`, value: mib(warm.rssMiB) },
      { measure: 'RSS at end (MiB)', value: mib(last.rssMiB) },
      { measure: 'RSS after warm-up, min – max (MiB)', value: `${mib(Math.min(...rssAfter))} – ${mib(Math.max(...rssAfter))}` },
      { measure: 'heap used at end (MiB)', value: mib(last.heapUsedMiB) },
      { measure: 'RSS slope after warm-up (MiB/min, least squares)', value: Math.round(slopeMiBPerMinute * 100) / 100 },
      { measure: 'flat tolerance (MiB/min)', value: Math.round(toleranceMiBPerMinute * 100) / 100 },
      { measure: 'verdict', value: verdict },
      { measure: 'warm-up covers the fills (cache TTL, 15-min telemetry history)', value: coverage },
      { measure: 'requests ok / errors / shed', value: `${totals.ok} / ${totals.errors} / ${totals.shed}` },
      {
        measure: 'cache hit rate',
        value: totals.cacheRequests === 0 ? 'n/a' : `${((totals.cacheHits / totals.cacheRequests) * 100).toFixed(1)}%`,
      },
      { measure: 'L1 at end (MiB held / budget, entries)', value: `${mib(l1.bytes / MiB)} / ${mib(l1.maxBytes / MiB)}, ${l1.entries}` },
    ],
    command: `npm run bench -- soak --minutes ${options.minutes} --rate ${options.rate}`,
    notes: [
      `RSS and heap of this process (the engine runs in it) every ${SAMPLE_MS / 1000} s; ${samples.length} samples; the first ${Math.round(warmupMs / 1000)} s are warm-up (the cache and the hot-key table fill) and left out of the slope`,
      `flat = least-squares RSS slope after warm-up within ±max(${FLAT_MIB_PER_MINUTE} MiB, ${FLAT_SHARE_PER_MINUTE * 100}% of the mean RSS) per minute; short runs are dominated by GC timing and by the cache still filling, so judge leaks on runs of 20 min or more`,
      `RSS by minute (MiB): ${perMinute.map((s) => `${Math.round(s.t)} s ${Math.round(s.rssMiB)}`).join(', ')}`,
      `demo data: ${SEED_CHUNKS.toLocaleString('en')} chunks seeded into a scratch database on the given server, dropped afterwards`,
      gc
        ? 'collected once after seeding (--expose-gc), so the start is a clean baseline'
        : "started without --expose-gc: the start sample includes the seed's garbage, so early RSS may fall as V8 gives it back",
    ],
  };
}

/** Which by-design fills the warm-up covered: the demo's longest cache TTL and the telemetry history. */
async function warmupCoverage(warmupMs: number): Promise<string> {
  const profile = await loadDemoProfile();
  const ttlMinutes = Math.max(0, ...profile.templates.map((t) => (t.cache?.ttlSeconds ?? 0) / 60));
  const missing = [
    ...(warmupMs < ttlMinutes * 60_000 ? [`the cache TTL (${ttlMinutes} min: the L1 may still be filling)`] : []),
    ...(warmupMs < TELEMETRY_HISTORY_MINUTES * 60_000 ? [`the ${TELEMETRY_HISTORY_MINUTES}-min telemetry history`] : []),
  ];
  return missing.length === 0 ? 'yes' : `no: not ${missing.join(' nor ')}; a steady-state verdict needs a longer run`;
}
