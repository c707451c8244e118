import { describe, expect, it } from 'vitest';
import { ConfigurationSearch } from '../../../main/advisor/configuration-search.ts';
import { selectIndexes, type SelectionCandidate } from '../../../main/advisor/selection.ts';

const candidate = (key: string, fits: [number, 'full' | 'partial'][], sizeBytes = 100, columnCount = 1): SelectionCandidate => ({
  key,
  fits: new Map(fits),
  sizeBytes,
  columnCount,
});

/** Fake costs: per statement, the cost with each single index; a configuration takes the cheapest. */
function fakeCost(base: number[], single: Record<string, Record<number, number>>) {
  return async (config: readonly string[], s: number) => Math.min(base[s]!, ...config.map((k) => single[k]?.[s] ?? base[s]!));
}

const all = (n: number, fit: 'full' | 'partial' = 'full'): [number, 'full' | 'partial'][] => Array.from({ length: n }, (_, s) => [s, fit]);

describe('index selection under a storage budget', () => {
  it('prefers one index serving many statements over one per statement, and adds no near-duplicate', async () => {
    const base = [100, 100, 100];
    const chosen = await selectIndexes({
      statements: base.map((b) => ({ calls: 10, baseCost: b })),
      candidates: [candidate('ab', all(3)), candidate('a', [[0, 'full']]), candidate('ab2', all(3), 200, 2)],
      cost: fakeCost(base, { ab: { 0: 10, 1: 10, 2: 10 }, a: { 0: 5 }, ab2: { 0: 10, 1: 10, 2: 10 } }),
      budgetBytes: 10_000,
    });
    expect(chosen.map((c) => c.key)).toEqual(['ab', 'a']);
    expect(chosen[0]!.gain).toBe(2700);
    expect(chosen[1]!.gain).toBe(50);
  });

  it('keeps a small gain no fixed percentage would have allowed, when the budget has room for it', async () => {
    const chosen = await selectIndexes({
      statements: [
        { calls: 1000, baseCost: 100 },
        { calls: 1, baseCost: 100 },
      ],
      candidates: [candidate('weak', [[0, 'full']]), candidate('tiny', [[1, 'full']])],
      cost: fakeCost([100, 100], { weak: { 0: 60 }, tiny: { 1: 99 } }),
      budgetBytes: 10_000,
    });
    // 'weak' takes 40% off its statement (under the old 50% rule: dropped); 'tiny' saves 1 of 100 100: noise.
    expect(chosen.map((c) => c.key)).toEqual(['weak']);
  });

  it('never exceeds the budget, and spends it where it saves the most per byte', async () => {
    const base = [100, 100, 100];
    const chosen = await selectIndexes({
      statements: base.map((b) => ({ calls: 1, baseCost: b })),
      candidates: [candidate('big', all(3), 1000), candidate('s0', [[0, 'full']], 300), candidate('s1', [[1, 'full']], 300)],
      cost: fakeCost(base, { big: { 0: 40, 1: 40, 2: 40 }, s0: { 0: 10 }, s1: { 1: 10 } }),
      budgetBytes: 700,
    });
    expect(chosen.map((c) => c.key).sort()).toEqual(['s0', 's1']);
  });

  it('takes the one large index when it saves more than the small ones that fit beside it', async () => {
    const base = [100, 100, 100];
    const chosen = await selectIndexes({
      statements: base.map((b) => ({ calls: 1, baseCost: b })),
      candidates: [candidate('big', all(3), 900), candidate('s0', [[0, 'full']], 100)],
      cost: fakeCost(base, { big: { 0: 5, 1: 5, 2: 5 }, s0: { 0: 50 } }),
      budgetBytes: 950,
    });
    // By benefit per byte 's0' comes first (0.5 per byte against 0.32) and leaves no room for 'big'.
    expect(chosen.map((c) => c.key)).toEqual(['big']);
  });

  it('finds indexes that pay only together, costing configurations rather than single indexes', async () => {
    const pair = async (config: readonly string[]) => (config.includes('x') && config.includes('y') ? 10 : config.includes('x') ? 95 : 100);
    const chosen = await selectIndexes({
      statements: [{ calls: 1, baseCost: 100 }],
      candidates: [candidate('x', [[0, 'full']]), candidate('y', [[0, 'full']])],
      cost: (config) => pair(config),
      budgetBytes: 1000,
    });
    expect(chosen.map((c) => c.key)).toEqual(['x', 'y']);
    expect(chosen[1]!.serves).toEqual([{ statement: 0, costBefore: 95, costAfter: 10 }]);
  });

  it('grows a chosen index by a column when the wider one pays for its bytes', async () => {
    const costs: Record<string, number> = { a: 50, ab: 5 };
    const chosen = await selectIndexes({
      statements: [{ calls: 1, baseCost: 100 }],
      candidates: [candidate('a', [[0, 'full']], 100)],
      cost: async (config) => Math.min(100, ...config.map((k) => costs[k] ?? 100)),
      budgetBytes: 1000,
      extensions: async (c) => (c.key === 'a' ? [candidate('ab', [[0, 'full']], 150, 2)] : []),
    });
    expect(chosen.map((c) => c.key)).toEqual(['ab']);
    expect(chosen[0]!.serves).toEqual([{ statement: 0, costBefore: 100, costAfter: 5 }]);
  });

  it('lets only fully fitting indexes claim a statement with parameters when one helps', async () => {
    const base = [100, 100];
    const chosen = await selectIndexes({
      statements: base.map((b) => ({ calls: 1, baseCost: b, generic: true })),
      candidates: [
        candidate('shared', [
          [0, 'partial'],
          [1, 'full'],
        ]),
        candidate('exact', [[0, 'full']], 100, 2),
      ],
      cost: fakeCost(base, { shared: { 0: 5, 1: 5 }, exact: { 0: 20 } }),
      budgetBytes: 1000,
    });
    // 'shared' saves more overall and comes first, yet cannot claim statement 0: 'exact' still gets it.
    expect(chosen.map((c) => c.key)).toEqual(['shared', 'exact']);
    expect(chosen[0]!.serves.map((s) => s.statement)).toEqual([1]);
    expect(chosen[1]!.serves).toEqual([{ statement: 0, costBefore: 100, costAfter: 20 }]);
  });

  it('lets any fitting index claim a statement with its values in the text', async () => {
    const base = [100, 100];
    const chosen = await selectIndexes({
      statements: base.map((b) => ({ calls: 1, baseCost: b })),
      candidates: [
        candidate('shared', [
          [0, 'partial'],
          [1, 'full'],
        ]),
        candidate('exact', [[0, 'full']], 100, 2),
      ],
      cost: fakeCost(base, { shared: { 0: 5, 1: 5 }, exact: { 0: 20 } }),
      budgetBytes: 1000,
    });
    // The statistics behind statement 0's cost are real: 'shared' serves both, and 'exact' would add nothing.
    expect(chosen.map((c) => c.key)).toEqual(['shared']);
    expect(chosen[0]!.serves.map((s) => s.statement)).toEqual([0, 1]);
  });

  it('breaks ties within noise (0.01% of the workload) towards the smaller index, when the budget holds only one', async () => {
    const options = (smallCost: number) => ({
      statements: [{ calls: 1, baseCost: 100 }],
      candidates: [candidate('big', [[0, 'full']], 500), candidate('small', [[0, 'full']], 100)],
      cost: fakeCost([100], { big: { 0: 10 }, small: { 0: smallCost } }),
      budgetBytes: 550,
    });
    expect((await selectIndexes(options(10.005))).map((c) => c.key)).toEqual(['small']);
    // A twentieth of a percent of the workload is beyond noise: the cheaper configuration, though larger.
    expect((await selectIndexes(options(10.05))).map((c) => c.key)).toEqual(['big']);
  });

  it("charges each index its upkeep under the workload's writes: one whose upkeep outweighs its saving is not chosen", async () => {
    const options = (upkeep: number) => ({
      statements: [{ calls: 1, baseCost: 100 }],
      candidates: [{ ...candidate('x', [[0, 'full']], 100), maintenanceCost: upkeep }],
      cost: fakeCost([100], { x: { 0: 40 } }),
      budgetBytes: 1000,
    });
    const [kept] = await selectIndexes(options(20));
    expect(kept).toMatchObject({ key: 'x', gain: 40 });
    expect(await selectIndexes(options(61))).toEqual([]);
  });

  it('drops an index a later pick made redundant', async () => {
    const options = {
      statements: [
        { calls: 1, baseCost: 1000 },
        { calls: 1, baseCost: 1000 },
      ],
      candidates: [candidate('x', [[0, 'full']], 10_000), candidate('y', all(2), 100_000)],
      cost: fakeCost([1000, 1000], { x: { 0: 400 }, y: { 0: 100, 1: 300 } }),
      budgetBytes: 1_000_000,
    };
    // By benefit per byte 'x' comes first (600 for 10 kB against 1,600 for 100 kB); once 'y' is in, 'x' saves nothing.
    const search = new ConfigurationSearch(
      options,
      new Map([
        ['x', [0]],
        ['y', [0, 1]],
      ]),
      [false, false],
    );
    await search.fill('benefit-per-byte', options.budgetBytes);
    expect(search.config.chosen.map((c) => c.key)).toEqual(['y']);
    expect(search.config.bytes).toBe(100_000);
    expect(search.config.costs).toEqual([100, 300]);
  });

  it('relaxes a wider variant back to the index it grew from when that loses least per byte over the budget', async () => {
    const base = [100, 100];
    const options = {
      statements: base.map((b) => ({ calls: 1, baseCost: b })),
      candidates: [candidate('a', [[0, 'full']]), candidate('c', [[1, 'full']])],
      cost: fakeCost(base, { a: { 0: 20 }, ab: { 0: 15 }, c: { 1: 30 } }),
      extensions: async (c: SelectionCandidate) => (c.key === 'a' ? [candidate('ab', [[0, 'full']], 300, 2)] : []),
      budgetBytes: 1000,
    };
    const search = new ConfigurationSearch(
      options,
      new Map([
        ['a', [0]],
        ['c', [1]],
      ]),
      [false, false],
    );
    await search.fill('benefit-per-byte', options.budgetBytes);
    expect(search.config.chosen.map((c) => c.key).sort()).toEqual(['ab', 'c']);
    // 400 bytes into 250: dropping 'ab' loses 85 and 'c' 70; narrowing 'ab' back to 'a' loses 5 and fits.
    await search.relax(250);
    expect(search.config.chosen.map((c) => c.key).sort()).toEqual(['a', 'c']);
    expect(search.config.costs).toEqual([20, 30]);
  });

  it('stops weighing moves once the search has spent what it may, keeping what it found', async () => {
    let evaluations = 0;
    const base = [100, 100, 100];
    const single = { a: { 0: 10 }, b: { 1: 10 }, c: { 2: 10 } };
    const chosen = await selectIndexes({
      statements: base.map((b) => ({ calls: 1, baseCost: b })),
      candidates: [candidate('a', [[0, 'full']]), candidate('b', [[1, 'full']]), candidate('c', [[2, 'full']])],
      cost: async (config, s) => {
        evaluations++;
        return fakeCost(base, single)(config, s);
      },
      budgetBytes: 10_000,
      exhausted: () => evaluations >= 5,
    });
    // The first step is taken from what was weighed before the limit; nothing after it.
    expect(chosen.length).toBeGreaterThan(0);
    expect(chosen.length).toBeLessThan(3);
  });

  it('chooses nothing with no budget', async () => {
    const chosen = await selectIndexes({
      statements: [{ calls: 1, baseCost: 100 }],
      candidates: [candidate('a', [[0, 'full']])],
      cost: fakeCost([100], { a: { 0: 1 } }),
      budgetBytes: 0,
    });
    expect(chosen).toEqual([]);
  });
});
