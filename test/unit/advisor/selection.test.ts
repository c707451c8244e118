import { describe, expect, it } from 'vitest';
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

describe('greedy index selection', () => {
  it('prefers one index serving many statements over one per statement, and adds no near-duplicate', async () => {
    const base = [100, 100, 100];
    const chosen = await selectIndexes({
      statements: base.map((b) => ({ calls: 10, baseCost: b })),
      candidates: [
        candidate('ab', [
          [0, 'full'],
          [1, 'full'],
          [2, 'full'],
        ]),
        candidate('a', [[0, 'full']]),
        candidate(
          'ab2',
          [
            [0, 'full'],
            [1, 'full'],
            [2, 'full'],
          ],
          200,
          2,
        ),
      ],
      cost: fakeCost(base, { ab: { 0: 10, 1: 10, 2: 10 }, a: { 0: 5 }, ab2: { 0: 10, 1: 10, 2: 10 } }),
      minStatementGain: 0.5,
      minWorkloadShare: 0.01,
    });
    expect(chosen.map((c) => c.key)).toEqual(['ab', 'a']);
    expect(chosen[0]!.gain).toBe(2700);
    expect(chosen[1]!.gain).toBe(50);
  });

  it('respects the minimum statement gain and the minimum workload share', async () => {
    const base = [100, 100];
    const chosen = await selectIndexes({
      statements: [
        { calls: 1000, baseCost: 100 },
        { calls: 1, baseCost: 100 },
      ],
      candidates: [candidate('weak', [[0, 'full']]), candidate('tiny', [[1, 'full']])],
      cost: fakeCost(base, { weak: { 0: 60 }, tiny: { 1: 1 } }),
      minStatementGain: 0.5,
      minWorkloadShare: 0.01,
    });
    expect(chosen).toEqual([]);
  });

  it('lets only fully fitting indexes claim a statement when one passes', async () => {
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
      minStatementGain: 0.5,
      minWorkloadShare: 0.01,
    });
    // 'shared' saves more overall and comes first, yet cannot claim statement 0: 'exact' still gets it.
    expect(chosen.map((c) => c.key)).toEqual(['shared', 'exact']);
    expect(chosen[0]!.serves.map((s) => s.statement)).toEqual([1]);
    expect(chosen[1]!.serves).toEqual([{ statement: 0, costBefore: 100, costAfter: 20 }]);
  });

  it('breaks near-ties towards the smaller index', async () => {
    const base = [100];
    const chosen = await selectIndexes({
      statements: [{ calls: 1, baseCost: 100 }],
      candidates: [candidate('big', [[0, 'full']], 500), candidate('small', [[0, 'full']], 100)],
      cost: fakeCost(base, { big: { 0: 10 }, small: { 0: 10.5 } }),
      minStatementGain: 0.5,
      minWorkloadShare: 0.01,
    });
    expect(chosen.map((c) => c.key)).toEqual(['small']);
  });
});
