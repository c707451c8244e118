/**
 * Hit rates on the real research traces (numbers, not timings), with margins well inside what
 * the bench measures. The per-trace tests cut orm-busy to its first 500,000 requests; the table at the
 * end replays every trace whole (orm-busy's 5,000,000 requests take about 2 s per size).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { beladyHits } from '../../../main/cache/sim/belady.ts';
import { L1Policy, LruPolicy } from '../../../main/cache/sim/policies.ts';
import { runPolicy } from '../../../main/cache/sim/simulate.ts';
import { loadTrace, openTrace, type Trace, type TraceFormat } from '../../../main/cache/sim/trace-reader.ts';

/** The shared traces sit beside the repository (as in CI's checkout); HOTPATH_TRACES points elsewhere. */
const TRACES = process.env.HOTPATH_TRACES ?? resolve(import.meta.dirname, '../../../../shared/traces');

async function load(file: string, format: TraceFormat, limit = Infinity): Promise<Trace> {
  return loadTrace(openTrace(`${TRACES}/${file}`), format, limit);
}

function hitRates(trace: Trace, size: number, weighted = false, expectedEntries = size) {
  return {
    lru: runPolicy(trace, new LruPolicy(size), weighted).hitRate,
    fixed: runPolicy(trace, new L1Policy('fixed', size, false, expectedEntries), weighted).hitRate,
    adaptive: runPolicy(trace, new L1Policy('adaptive', size, true, expectedEntries), weighted).hitRate,
  };
}

describe.skipIf(!existsSync(TRACES))('hit rates on the real traces', () => {
  it('gli @ 1,000: far above LRU and the published fixed-window TinyLFU (40.3%), below OPT', async () => {
    const trace = await load('gli.trace.gz', 'lirs');
    expect(trace.length).toBe(6_015);
    const rates = hitRates(trace, 1_000);
    const opt = (100 * beladyHits(trace, 1_000)) / trace.length;
    expect(rates.lru).toBeCloseTo(11.2, 0); // our LRU reproduces the README's reference
    expect(rates.adaptive).toBeGreaterThan(40.3 + 5);
    expect(rates.adaptive).toBeGreaterThanOrEqual(rates.fixed);
    expect(opt).toBeCloseTo(53.1, 0);
    expect(rates.adaptive).toBeLessThanOrEqual(opt);
  });

  it('oltp @ 1,000: the adaptive window beats LRU and the fixed 1% window', async () => {
    const trace = await load('oltp.gz', 'arc');
    expect(trace.length).toBe(914_145);
    const rates = hitRates(trace, 1_000);
    expect(rates.lru).toBeCloseTo(32.8, 0);
    expect(rates.adaptive).toBeGreaterThan(rates.lru + 5);
    expect(rates.adaptive).toBeGreaterThan(rates.fixed + 3);
  });

  it('orm-busy @ 500 (first 500k requests): the adaptive window comes within a point of LRU', async () => {
    const trace = await load('orm-busy.trace.gz', 'cache2k', 500_000);
    expect(trace.length).toBe(500_000);
    const rates = hitRates(trace, 500);
    expect(rates.fixed).toBeLessThan(rates.lru - 10); // the README's lesson: a fixed split loses badly here
    expect(rates.adaptive).toBeGreaterThan(rates.fixed + 8);
    // LRU is the best window for this prefix (74.4%); the simulation picks it within ~6k requests
    // (74.0%), where the hill climber lost 5 points (69.0%). The full trace, where phases differ, is
    // won by the simulation (bench: 70.9% vs LRU 69.3%) but takes too long for the unit suite.
    expect(rates.adaptive).toBeGreaterThan(rates.lru - 1);
  });

  it('request (AdaptSize) @ 1,000 entries and byte-bounded: above LRU', async () => {
    const trace = await load('request.trace.gz', 'adaptsize');
    expect(trace.length).toBe(66_987);
    const counted = hitRates(trace, 1_000);
    expect(counted.lru).toBeCloseTo(28.0, 0);
    expect(counted.adaptive).toBeGreaterThan(counted.lru + 2);
    let bytes = 0;
    for (let i = 0; i < trace.length; i += 1) bytes += trace.sizes[i]!;
    const budget = Math.round((1_000 * bytes) / trace.length);
    const weighted = hitRates(trace, budget, true, 1_000);
    expect(weighted.adaptive).toBeGreaterThan(weighted.lru + 1.5);
  });

  /** The README's table (../shared/traces/README.md): the best of LRU, ARC and fixed-window TinyLFU at each size. */
  const README_BEST: readonly [file: string, format: TraceFormat, size: number, best: number][] = [
    ['gli.trace.gz', 'lirs', 1_000, 40.3],
    ['oltp.gz', 'arc', 1_000, 39.1],
    ['orm-busy.trace.gz', 'cache2k', 500, 69.9],
    ['orm-busy.trace.gz', 'cache2k', 5_000, 85.7],
    ['request.trace.gz', 'adaptsize', 1_000, 30.9],
  ];

  it.each(README_BEST)(
    '%s (%s) @ %i, whole trace: at least %f percent, the best of LRU, ARC and fixed-window TinyLFU in the README',
    async (file, format, size, best) => {
      const trace = await load(file, format);
      const adaptive = runPolicy(trace, new L1Policy('adaptive', size, true, size), false).hitRate;
      expect(adaptive).toBeGreaterThanOrEqual(best);
    },
  );
});
