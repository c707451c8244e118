import { describe, expect, it } from 'vitest';
import { ObservationWindows } from '../../../main/planner/model-trainer.ts';
import { buildFeatures, FEATURE_COUNT } from '../../../main/planner/query-features.ts';

const features = (k: number) =>
  buildFeatures({ k, depth: 0, neighbourhood: 0, filterRows: 100 * k, rows: 10_000, neighbourhoodCached: false, filterSetCached: false });

describe('observation windows', () => {
  it("hands out each plan's newest observations oldest first, across the ring's wrap, with their shapes as strata", () => {
    const windows = new ObservationWindows(4);
    for (let i = 1; i <= 6; i++) windows.push(2, features(i), i); // 1 and 2 fall out; the ring has wrapped
    windows.push(0, features(9), 90);
    const set = windows.trainingSet();
    expect(windows.total()).toBe(5);
    expect(Array.from(set.plans)).toEqual([0, 2, 2, 2, 2]);
    expect(Array.from(set.latencyMs)).toEqual([90, 3, 4, 5, 6]);
    expect([0, 1, 2, 3, 4].map((row) => set.features[row * FEATURE_COUNT])).toEqual([9, 3, 4, 5, 6]); // k is feature 0
    expect(Array.from(set.strata!)).toEqual([9, 3, 4, 5, 6].map((k) => features(k).shape));
  });

  it('copies: later pushes do not change a set already handed out', () => {
    const windows = new ObservationWindows(2);
    windows.push(1, features(1), 1);
    const set = windows.trainingSet();
    windows.push(1, features(2), 2);
    windows.push(1, features(3), 3);
    expect(Array.from(set.latencyMs)).toEqual([1]);
  });
});
